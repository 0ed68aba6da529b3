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
        if (text.length() <= max && spacedOnce(text)) {
            return text; // most messages: nothing to fold, nothing to cut
        }
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

    /**
     * Whether {@link #clip} would keep every character of {@code text}: no white space at either
     * end, and none inside but single plain spaces. A text with a control character takes the long
     * way, which keeps it too.
     */
    private static boolean spacedOnce(String text) {
        int last = text.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            if (c <= ' ') {
                if (c != ' ' || i == 0 || i == last || text.charAt(i - 1) == ' ') {
                    return false;
                }
            } else if (c >= 0x80 && Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
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
