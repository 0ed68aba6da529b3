package io.signalstream.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

class AnalyzedTextTest {

    private final Analyzer analyzer = new TextAnalyzer();

    /** Each token as {@code term@position}. */
    private static List<String> tokens(TokenStream ts) throws IOException {
        List<String> out = new ArrayList<>();
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        PositionIncrementAttribute increment = ts.addAttribute(PositionIncrementAttribute.class);
        int position = -1;
        ts.reset();
        while (ts.incrementToken()) {
            position += increment.getPositionIncrement();
            out.add(term + "@" + position);
        }
        ts.end();
        ts.close();
        return out;
    }

    @Test
    void partsPlayBackAsTheAnalyzerMakesTheirJoinedText() throws IOException {
        List<String> texts =
                List.of(
                        "order-42\nParcel stuck in customs",
                        "Where are my HEADPHONES?? They left the Café dépôt on 12/03",
                        "ok",
                        "Refunds: 2x charged, card ****1111 — call (415) 555-0134!",
                        "naïve façade déjà-vu e-mail customer7@example.com");
        List<AnalyzedText> parts = new ArrayList<>();
        for (String t : texts) {
            parts.add(AnalyzedText.of(analyzer, "text", t));
        }
        List<String> expected = tokens(analyzer.tokenStream("text", String.join("\n", texts)));

        assertThat(tokens(AnalyzedText.stream(parts))).isEqualTo(expected);
        assertThat(expected).contains("headphone@9", "cafe@13", "refund@19");
        // played again: a document is written from the same parts more than once
        assertThat(tokens(AnalyzedText.stream(parts))).isEqualTo(expected);
    }

    @Test
    void positionGapsLeftByARemovedTokenAreKept() throws IOException {
        Analyzer stops =
                new Analyzer() {
                    @Override
                    protected TokenStreamComponents createComponents(String field) {
                        StandardTokenizer source = new StandardTokenizer();
                        return new TokenStreamComponents(
                                source,
                                new StopFilter(
                                        source, new CharArraySet(List.of("the", "of"), false)));
                    }
                };
        List<String> texts = List.of("the parcel of the day", "late", "of the month");
        List<AnalyzedText> parts = new ArrayList<>();
        for (String t : texts) {
            parts.add(AnalyzedText.of(stops, "text", t));
        }
        List<String> expected = tokens(stops.tokenStream("text", String.join("\n", texts)));
        assertThat(expected).containsExactly("parcel@1", "day@4", "late@5", "month@8");
        assertThat(tokens(AnalyzedText.stream(parts))).isEqualTo(expected);
    }

    @Test
    void aTextWithoutTermsAddsNothing() throws IOException {
        AnalyzedText none = AnalyzedText.of(analyzer, "text", "!!! ... ???");
        AnalyzedText words = AnalyzedText.of(analyzer, "text", "late parcels");
        assertThat(none.tokens()).isZero();
        assertThat(tokens(AnalyzedText.stream(List.of(none, words, none))))
                .containsExactly("late@0", "parcel@1");
        assertThat(AnalyzedText.of(analyzer, "text", "").tokens()).isZero();
        assertThat(tokens(AnalyzedText.stream(List.of()))).isEmpty();
    }
}
