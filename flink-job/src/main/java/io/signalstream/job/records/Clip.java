package io.signalstream.job.records;

/** Keeps texts the job stores or writes within a length, saying so when it cuts. */
public final class Clip {

    private Clip() {}

    /**
     * {@code text} cut to about {@code max} characters with a visible marker saying how many were
     * left out; unchanged when it fits. Never splits a surrogate pair.
     */
    public static String marked(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int cut = max;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + " … [" + (text.length() - cut) + " more characters]";
    }
}
