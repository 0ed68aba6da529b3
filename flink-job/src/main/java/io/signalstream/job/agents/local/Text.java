package io.signalstream.job.agents.local;

/** Small text helpers shared by the offline agents. */
public final class Text {

    private Text() {}

    /**
     * The text with runs of white space as one space, cut to {@code max} characters with an
     * ellipsis when longer. Never splits a surrogate pair; reads at most a little more than {@code
     * max} characters of a long text.
     */
    public static String clip(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 1));
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
            if (out.length() > max) {
                int cut = max - 1;
                if (cut > 0 && Character.isHighSurrogate(out.charAt(cut - 1))) {
                    cut--; // keep a surrogate pair whole
                }
                out.setLength(cut);
                return out.append('…').toString();
            }
        }
        return out.toString();
    }

    static boolean containsAny(String lowerText, String... needles) {
        for (String n : needles) {
            if (lowerText.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
