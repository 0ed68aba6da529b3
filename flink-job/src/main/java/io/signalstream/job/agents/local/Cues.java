package io.signalstream.job.agents.local;

import java.util.ArrayList;
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

    /** Tells each occurrence of a cue among {@code words}: its id and bit. */
    void forEach(List<String> words, Found found) {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            List<Cue> cues = byFirstWord.get(word);
            if (cues != null) {
                for (Cue cue : cues) {
                    if (matches(cue, words, i)) {
                        found.cue(cue.id(), cue.bit());
                    }
                }
            }
            List<Cue> prefixes = word.isEmpty() ? null : prefixesByFirstChar.get(word.charAt(0));
            if (prefixes != null) {
                for (Cue cue : prefixes) {
                    if (word.startsWith(cue.words()[0])) {
                        found.cue(cue.id(), cue.bit());
                    }
                }
            }
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
