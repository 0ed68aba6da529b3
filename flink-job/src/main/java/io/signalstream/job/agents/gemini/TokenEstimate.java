package io.signalstream.job.agents.gemini;

/**
 * How many tokens a text costs a model, estimated before the call without the model's tokenizer:
 * one token per four ASCII characters (rounded up) plus one per other code point. Gemini's
 * tokenizer averages about four characters per token on English text; the estimate counts every
 * non-ASCII code point (accented letters, CJK, emoji) as a whole token, which over-counts most
 * scripts, so a budget holds on any text.
 */
public final class TokenEstimate {

    private TokenEstimate() {}

    public static int of(String text) {
        int ascii = 0;
        int other = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp < 0x80) {
                ascii++;
            } else {
                other++;
            }
            i += Character.charCount(cp);
        }
        return (ascii + 3) / 4 + other;
    }

    /**
     * The longest beginning of {@code text} within {@code tokens} tokens, with a marker saying how
     * many characters were left out; {@code text} itself when it fits.
     */
    public static String clip(String text, int tokens) {
        if (of(text) <= tokens) {
            return text;
        }
        String marker = " … [%d more characters]";
        int budget = Math.max(0, tokens - of(marker.formatted(text.length())));
        int ascii = 0;
        int other = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int nextAscii = ascii + (cp < 0x80 ? 1 : 0);
            int nextOther = other + (cp < 0x80 ? 0 : 1);
            if ((nextAscii + 3) / 4 + nextOther > budget) {
                break;
            }
            ascii = nextAscii;
            other = nextOther;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + marker.formatted(text.length() - end);
    }
}
