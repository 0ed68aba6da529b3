package io.signalstream.job.agents.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds cue phrases among a text's words in one pass: each cue is one or more words, the last of
 * which may end in {@code *} to match any word it starts. Cues are indexed by their first word, so
 * a text costs one hash lookup per word however many cues there are; one-word prefixes by their
 * first letter, so a word is compared only with those that could start it. Each cue names a bit;
 * {@link #find} returns the bits of the cues present.
 */
final class Cues {

    private record Cue(String[] words, boolean prefix, long bit, int id) {}

    private final Map<String, List<Cue>> byFirstWord = new HashMap<>();
    private final Map<Character, List<Cue>> prefixesByFirstChar = new HashMap<>();

    private int ids;

    /** Adds cues for {@code bit}, written {@code "phrase, word*, other phrase"}. */
    Cues add(int bit, String spec) {
        for (String item : spec.split(",\\s*")) {
            cue(bit, item);
        }
        return this;
    }

    /** Adds one cue for {@code bit}; returns its id, as {@link #forEach} reports it. */
    int cue(int bit, String phrase) {
        String text = phrase.strip();
        boolean prefix = text.endsWith("*");
        String[] words = (prefix ? text.substring(0, text.length() - 1) : text).split(" ");
        Cue cue = new Cue(words, prefix, 1L << bit, ids++);
        if (prefix && words.length == 1) {
            if (words[0].isEmpty()) {
                throw new IllegalArgumentException("a prefix cue needs a letter before *");
            }
            prefixesByFirstChar
                    .computeIfAbsent(words[0].charAt(0), k -> new ArrayList<>())
                    .add(cue);
        } else {
            byFirstWord.computeIfAbsent(words[0], k -> new ArrayList<>()).add(cue);
        }
        return cue.id();
    }

    /** The bits of every cue among {@code words} (lower case, as {@link IntentRules#words}). */
    long find(List<String> words) {
        long[] found = {0};
        forEach(words, (id, bit) -> found[0] |= bit);
        return found[0];
    }

    /**
     * {@link #find} with each word's {@link #start} already known, by its index in {@code words}.
     */
    long find(List<String> words, Start[] starts) {
        long[] found = {0};
        forEach(words, starts, (id, bit) -> found[0] |= bit);
        return found[0];
    }

    /** Tells each occurrence of a cue among {@code words}: its id and bit. */
    void forEach(List<String> words, Found found) {
        for (int i = 0; i < words.size(); i++) {
            forEach(words, i, start(words.get(i)), found);
        }
    }

    /** {@link #forEach} with each word's {@link #start} already known. */
    void forEach(List<String> words, Start[] starts, Found found) {
        for (int i = 0; i < words.size(); i++) {
            forEach(words, i, starts[i], found);
        }
    }

    private static void forEach(List<String> words, int at, Start start, Found found) {
        for (Cue cue : start.phrases) {
            if (matches(cue, words, at)) {
                found.cue(cue.id(), cue.bit());
            }
        }
        for (Cue cue : start.prefixes) {
            found.cue(cue.id(), cue.bit());
        }
    }

    /**
     * The cues {@code word} can start, in the order {@link #forEach} tells them: those whose first
     * word it is (they match if the words after it follow), then the one-word prefixes it starts
     * with (they match).
     */
    Start start(String word) {
        List<Cue> phrases = byFirstWord.get(word);
        List<Cue> candidates = word.isEmpty() ? null : prefixesByFirstChar.get(word.charAt(0));
        Cue[] prefixes = Start.NO_CUES;
        if (candidates != null) {
            for (Cue cue : candidates) {
                if (word.startsWith(cue.words()[0])) {
                    prefixes = Arrays.copyOf(prefixes, prefixes.length + 1);
                    prefixes[prefixes.length - 1] = cue;
                }
            }
        }
        if (phrases == null && prefixes.length == 0) {
            return Start.NONE;
        }
        return new Start(
                phrases == null ? Start.NO_CUES : phrases.toArray(Start.NO_CUES), prefixes);
    }

    /** What {@link #start} finds for one word. */
    static final class Start {
        private static final Cue[] NO_CUES = {};
        static final Start NONE = new Start(NO_CUES, NO_CUES);

        private final Cue[] phrases;
        private final Cue[] prefixes;

        private Start(Cue[] phrases, Cue[] prefixes) {
            this.phrases = phrases;
            this.prefixes = prefixes;
        }
    }

    /** Receives the cues {@link #forEach} finds. */
    @FunctionalInterface
    interface Found {
        void cue(int id, long bit);
    }

    /** Whether the cue's words follow from {@code at} (its first word already matched). */
    private static boolean matches(Cue cue, List<String> words, int at) {
        String[] w = cue.words();
        if (at + w.length > words.size()) {
            return false;
        }
        for (int k = 1; k < w.length; k++) {
            String word = words.get(at + k);
            boolean last = k == w.length - 1;
            if (!(last && cue.prefix() ? word.startsWith(w[k]) : word.equals(w[k]))) {
                return false;
            }
        }
        return true;
    }
}
