package io.signalstream.api.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * The terms of one text as the search field's analyzer makes them, kept so that a conversation's
 * document can be written again without analysing its unchanged messages again: a new message
 * rewrites the whole document (a Lucene document cannot be changed in place), and analysing every
 * message of the window each time was a fifth of that work. {@link #stream} plays a conversation's
 * parts back as one token stream, as the analyzer makes it of their text joined by line breaks (a
 * test compares them). One difference: a position gap that tokens an analyzer removes at the very
 * end of a part would leave before the next part's first token is not kept (the store's analyzer
 * removes none).
 *
 * <p>Immutable; the terms of all its tokens lie in one array.
 */
final class AnalyzedText {

    static final AnalyzedText EMPTY = new AnalyzedText(new char[0], new int[0], null, 0);

    private final char[] terms;

    /** Where each token's term ends in {@link #terms}; it starts where the one before ended. */
    private final int[] ends;

    /** Each token's position increment; null when every one is 1 (no token was removed). */
    private final int[] positionIncrements;

    /** The length of the text analysed, for the offsets of the parts after it. */
    private final int textLength;

    private AnalyzedText(char[] terms, int[] ends, int[] positionIncrements, int textLength) {
        this.terms = terms;
        this.ends = ends;
        this.positionIncrements = positionIncrements;
        this.textLength = textLength;
    }

    /** {@code text} analysed by {@code analyzer} as the value of {@code field}. */
    static AnalyzedText of(Analyzer analyzer, String field, String text) {
        if (text == null || text.isEmpty()) {
            return EMPTY;
        }
        char[] chars = new char[Math.max(16, text.length())];
        int[] ends = new int[16];
        int[] increments = new int[16];
        int n = 0;
        int length = 0;
        boolean gaps = false;
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute increment =
                    ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (n == ends.length) {
                    ends = Arrays.copyOf(ends, n * 2);
                    increments = Arrays.copyOf(increments, n * 2);
                }
                if (length + term.length() > chars.length) {
                    chars =
                            Arrays.copyOf(
                                    chars, Math.max(chars.length * 2, length + term.length()));
                }
                System.arraycopy(term.buffer(), 0, chars, length, term.length());
                length += term.length();
                ends[n] = length;
                increments[n] = increment.getPositionIncrement();
                gaps |= increments[n] != 1;
                n++;
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse a text in memory", e); // a StringReader
        }
        return new AnalyzedText(
                Arrays.copyOf(chars, length),
                Arrays.copyOf(ends, n),
                gaps ? Arrays.copyOf(increments, n) : null,
                text.length());
    }

    int tokens() {
        return ends.length;
    }

    /** Heap held, roughly, for the bounds of the caches that keep it. */
    long bytes() {
        return 64
                + 2L * terms.length
                + 4L * ends.length
                + (positionIncrements == null ? 0 : 4L * positionIncrements.length);
    }

    /**
     * The tokens of {@code parts}, one after the other, as the analyzer makes them of the parts'
     * texts each followed by a line break: the terms, their positions, and offsets into that joined
     * text (start and end of a token's part, for its terms are kept without their own).
     */
    static TokenStream stream(List<AnalyzedText> parts) {
        return new PartsStream(parts);
    }

    private static final class PartsStream extends TokenStream {
        private final List<AnalyzedText> parts;
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute increment =
                addAttribute(PositionIncrementAttribute.class);
        private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
        private int part;
        private int token;
        private int partStart;

        PartsStream(List<AnalyzedText> parts) {
            this.parts = parts;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            part = 0;
            token = 0;
            partStart = 0;
        }

        @Override
        public boolean incrementToken() {
            while (part < parts.size() && token == parts.get(part).ends.length) {
                partStart += parts.get(part).textLength + 1; // and its line break
                part++;
                token = 0;
            }
            if (part == parts.size()) {
                return false;
            }
            clearAttributes();
            AnalyzedText p = parts.get(part);
            int from = token == 0 ? 0 : p.ends[token - 1];
            term.copyBuffer(p.terms, from, p.ends[token] - from);
            increment.setPositionIncrement(
                    p.positionIncrements == null ? 1 : p.positionIncrements[token]);
            offset.setOffset(partStart, partStart + p.textLength);
            token++;
            return true;
        }

        @Override
        public void end() throws IOException {
            super.end();
            int length = partStart;
            for (int i = part; i < parts.size(); i++) {
                length += parts.get(i).textLength + 1;
            }
            offset.setOffset(length, length);
        }
    }
}
