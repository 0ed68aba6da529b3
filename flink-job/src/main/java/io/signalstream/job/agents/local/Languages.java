package io.signalstream.job.agents.local;

import io.signalstream.model.InsightsResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.stream.IntStream;
import opennlp.tools.langdetect.LanguageDetectorModel;
import opennlp.tools.ml.model.AbstractModel;
import opennlp.tools.ml.model.Context;

/**
 * The language of a message (ISO 639-1) and how sure that is, by Apache OpenNLP's language model
 * ({@code langdetect-183}, 103 languages, letter 1- to 3-grams, maximum entropy), read once and
 * evaluated among {@link #CANDIDATES}: widely used languages, so a short message is not taken for a
 * rare language whose letters it happens to share ("where is my order" is not Afrikaans).
 *
 * <p>OpenNLP's own detector spends about 65 µs on a short message (regular-expression normalisers,
 * then all 103 outcomes); this class keeps only the candidates' weights, one {@code float[]} per
 * n-gram, and takes a few microseconds. Same model, same n-grams, same arithmetic (a softmax of
 * summed weights), restricted to the candidates.
 *
 * <p>{@link Guess#confidence()} is the winning language's share among the candidates; short or
 * mixed text gets a low one. Messages in a language the offline agents do not analyse ({@link
 * #ANALYSED}) are marked by a low analysis confidence rather than analysed confidently wrong.
 */
public final class Languages {

    /** A language (ISO 639-1, {@code und} when there are no letters) and the confidence in it. */
    public record Guess(String language, double confidence) {
        public static final Guess UNKNOWN = new Guess("und", 0);
    }

    /** Languages the detector chooses among (ISO 639-1). */
    static final List<String> CANDIDATES =
            List.of(
                    "en", "es", "fr", "de", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs",
                    "ro", "hu", "el", "tr", "ru", "uk", "ar", "he", "hi", "zh", "ja", "ko", "id",
                    "vi", "th", "ca");

    /** Languages the offline agents' lexicons and intent examples cover. */
    public static final List<String> ANALYSED = List.of("en", "es");

    /**
     * A small head start (log-odds) for the languages the agents analyse, the ones a support desk
     * here mostly receives: "vale" or "ok" alone lean to Spanish or English rather than Italian or
     * Dutch. Chosen on the language evaluation set (0: 88/100, 0.05: 91, 0.1: 92, 0.2: 89); kept
     * small so a clear French or German message is not pulled over.
     */
    static final double ANALYSED_PRIOR = 0.05;

    /** Only Latin-script candidates: text of ASCII letters is written in Latin script. */
    private static final boolean[] LATIN = new boolean[CANDIDATES.size()];

    static {
        for (int k = 0; k < LATIN.length; k++) {
            LATIN[k] = script(CANDIDATES.get(k)) == Character.UnicodeScript.LATIN;
        }
    }

    /**
     * Only the start of a long message is read: its language is plain by then, the cost bounded.
     */
    static final int MAX_CHARS = 1_000;

    /** A confidence from which a language is taken as known (right answers average 0.2 to 0.4). */
    static final double SURE = 0.1;

    /** The model's codes that differ from ISO 639-2/T (which {@link Locale} maps to 639-1). */
    private static final Map<String, String> MACRO_LANGUAGES =
            Map.of("cmn", "zh", "nob", "no", "arb", "ar", "pes", "fa", "zsm", "ms");

    private static final String MODEL = "/langdetect-183.bin";

    private static volatile Languages shared;

    /** The candidates written in Latin script, by index in CANDIDATES, in ascending order. */
    private static final int[] LATIN_CANDIDATES =
            IntStream.range(0, LATIN.length).filter(k -> LATIN[k]).toArray();

    /**
     * The symbols ASCII text has once {@link #normalised}: a to z (1 to 26), the apostrophe (27)
     * and the space (28); 0 is "none", so an n-gram of one to three symbols is one number below
     * {@link #ASCII_GRAMS}.
     */
    private static final int SYMBOLS = 29;

    private static final int ASCII_GRAMS = SYMBOLS * SYMBOLS * SYMBOLS;

    /** Per n-gram (its {@link #key}), the candidates' weights (by index in CANDIDATES). */
    private final NGramTable weights;

    /**
     * For text in ASCII, most messages: per n-gram of {@link #SYMBOLS} (its {@link #asciiGram}),
     * the Latin candidates' weights, by index in {@link #LATIN_CANDIDATES}: the same floats as
     * {@link #weights}, found without hashing in 1.8 MB that stay in cache.
     */
    private final float[] asciiWeights;

    private Languages(NGramTable weights, float[] asciiWeights) {
        this.weights = weights;
        this.asciiWeights = asciiWeights;
    }

    /** Reads the model once per class loader (about a second and 10 MB; ~22 MB kept). */
    public static Languages shared() {
        Languages l = shared;
        if (l == null) {
            synchronized (Languages.class) {
                l = shared;
                if (l == null) {
                    l = load();
                    shared = l;
                }
            }
        }
        return l;
    }

    private static Languages load() {
        InputStream in = Languages.class.getResourceAsStream(MODEL);
        if (in == null) {
            throw new IllegalStateException("the language model " + MODEL + " is missing");
        }
        AbstractModel model;
        try (in) {
            model = (AbstractModel) new LanguageDetectorModel(in).getMaxentModel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the language model", e);
        }
        Object[] data = model.getDataStructures();
        @SuppressWarnings("unchecked")
        Map<String, Context> predicates = (Map<String, Context>) data[1];
        String[] outcomes = (String[]) data[2];
        int[] candidate = new int[outcomes.length];
        for (int o = 0; o < outcomes.length; o++) {
            candidate[o] = CANDIDATES.indexOf(iso1(outcomes[o]));
        }
        NGramTable weights = new NGramTable(predicates.size(), CANDIDATES.size());
        float[] asciiWeights = new float[ASCII_GRAMS * LATIN_CANDIDATES.length];
        for (Map.Entry<String, Context> p : predicates.entrySet()) {
            Context c = p.getValue();
            float[] w = null;
            for (int k = 0; k < c.getOutcomes().length; k++) {
                int target = candidate[c.getOutcomes()[k]];
                if (target >= 0) {
                    if (w == null) {
                        w = new float[CANDIDATES.size()];
                    }
                    w[target] += (float) c.getParameters()[k];
                }
            }
            long key = key(p.getKey(), 0, p.getKey().length());
            if (w != null && key != 0) {
                weights.put(key, w);
                int gram = asciiGram(p.getKey());
                for (int j = 0; gram > 0 && j < LATIN_CANDIDATES.length; j++) {
                    asciiWeights[gram * LATIN_CANDIDATES.length + j] = w[LATIN_CANDIDATES[j]];
                }
            }
        }
        return new Languages(weights, asciiWeights);
    }

    /** ISO 639-1 for the model's ISO 639-3 code, or the code itself when there is none. */
    static String iso1(String iso3) {
        String macro = MACRO_LANGUAGES.get(iso3);
        if (macro != null) {
            return macro;
        }
        for (String two : Locale.getISOLanguages()) {
            try {
                if (new Locale(two).getISO3Language().equals(iso3)) {
                    return two;
                }
            } catch (MissingResourceException e) {
                // a code without a three-letter form
            }
        }
        return iso3;
    }

    /** The language of {@code text}. Thread-safe; a {@link #detector()} is faster. */
    public Guess detect(String text) {
        return detect(text, SCRATCH.get());
    }

    /**
     * A detector for one thread at a time with its own working memory: the same answers as {@link
     * #detect}, without finding the thread's (in a job's task thread the thread-local lookup took a
     * third of the detection's time).
     */
    public Detector detector() {
        return new Detector(this);
    }

    /** {@link Languages#detect} for one thread at a time. */
    public static final class Detector {
        private final Languages languages;
        private final Scratch scratch = new Scratch();

        private Detector(Languages languages) {
            this.languages = languages;
        }

        /** The language of {@code text}. */
        public Guess detect(String text) {
            return languages.detect(text, scratch);
        }
    }

    private Guess detect(String text, Scratch scratch) {
        int length = Math.min(text.length(), MAX_CHARS);
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) >= 128) {
                int[] cps = read(text);
                return cps.length == 0 ? Guess.UNKNOWN : detectHashed(cps);
            }
        }
        int n = scratch.symbols(text, length);
        return n == 0 ? Guess.UNKNOWN : detectAscii(scratch, n);
    }

    /** {@link #detect} by the table of every n-gram alone, whatever the script. */
    Guess detectHashed(String text) {
        int[] cps = read(text);
        return cps.length == 0 ? Guess.UNKNOWN : detectHashed(cps);
    }

    /** What of {@code text} is read: its first {@link #MAX_CHARS}, {@link #normalised}. */
    private static int[] read(String text) {
        return normalised(text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text);
    }

    private Guess detectHashed(int[] cps) {
        boolean[] allowed = byScript(cps);
        // every distinct 1- to 3-gram once, as the model counts them
        long[] seen = new long[Integer.highestOneBit(cps.length * 3) << 2];
        double[] score = new double[CANDIDATES.size()];
        for (int i = 0; i < cps.length; i++) {
            count(seen, (long) cps[i] << 42, score);
            if (i + 1 < cps.length) {
                count(seen, (long) cps[i] << 42 | (long) cps[i + 1] << 21, score);
            }
            if (i + 2 < cps.length) {
                count(seen, (long) cps[i] << 42 | (long) cps[i + 1] << 21 | cps[i + 2], score);
            }
        }
        return decide(score, allowed);
    }

    /**
     * {@link #detect} for text of ASCII symbols only, which is written in Latin script: the same
     * n-grams in the same order and the same weights, so the same sums and the same answer, from
     * {@link #asciiWeights}.
     */
    private Guess detectAscii(Scratch scratch, int n) {
        int width = LATIN_CANDIDATES.length;
        double[] latin = new double[width];
        int[] symbols = scratch.symbols;
        int[] grams = scratch.grams;
        long[] seen = scratch.seen;
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            int gram = symbols[i] * SYMBOLS * SYMBOLS;
            distinct = add(seen, grams, distinct, gram);
            if (i + 1 < n) {
                gram += symbols[i + 1] * SYMBOLS;
                distinct = add(seen, grams, distinct, gram);
            }
            if (i + 2 < n) {
                distinct = add(seen, grams, distinct, gram + symbols[i + 2]);
            }
        }
        // summed after the n-grams are known: the rows' loads no longer wait on one another
        for (int k = 0; k < distinct; k++) {
            int base = grams[k] * width;
            for (int j = 0; j < width; j++) {
                latin[j] += asciiWeights[base + j];
            }
            seen[grams[k] >>> 6] = 0;
        }
        double[] score = new double[CANDIDATES.size()];
        for (int j = 0; j < width; j++) {
            score[LATIN_CANDIDATES[j]] = latin[j];
        }
        return decide(score, LATIN);
    }

    /** Appends {@code gram} to {@code grams} unless {@code seen}; their count after. */
    private static int add(long[] seen, int[] grams, int distinct, int gram) {
        long bit = 1L << gram;
        if ((seen[gram >>> 6] & bit) != 0) {
            return distinct;
        }
        seen[gram >>> 6] |= bit;
        grams[distinct] = gram;
        return distinct + 1;
    }

    /** The winner among {@code allowed} and the runner-up's odds against it. */
    private static Guess decide(double[] score, boolean[] allowed) {
        for (int k = 0; k < ANALYSED.size(); k++) {
            score[k] += ANALYSED_PRIOR; // ANALYSED are the first candidates
        }
        int best = -1;
        int second = -1;
        for (int k = 0; k < score.length; k++) {
            if (!allowed[k]) {
                continue;
            }
            if (best < 0 || score[k] > score[best]) {
                second = best;
                best = k;
            } else if (second < 0 || score[k] > score[second]) {
                second = k;
            }
        }
        // The runner-up's odds against the winner: 0 when they tie, towards 1 when far apart.
        double confidence = second < 0 ? 1 : 1 - Math.exp(score[second] - score[best]);
        return new Guess(CANDIDATES.get(best), confidence);
    }

    private static boolean ascii(int[] cps) {
        for (int cp : cps) {
            if (cp >= 128) {
                return false;
            }
        }
        return true;
    }

    /** The symbol of a code point of normalised ASCII text; 0 for any other. */
    private static int symbol(int cp) {
        if (cp >= 'a' && cp <= 'z') {
            return cp - 'a' + 1;
        }
        return cp == '\'' ? 27 : cp == ' ' ? 28 : 0;
    }

    /** An n-gram of one to three symbols as its index below ASCII_GRAMS; 0 for anything else. */
    static int asciiGram(String gram) {
        if (gram.isEmpty() || gram.length() > 3) {
            return 0;
        }
        int index = 0;
        for (int i = 0; i < 3; i++) {
            int symbol = 0;
            if (i < gram.length()) {
                symbol = symbol(gram.charAt(i));
                if (symbol == 0) {
                    return 0;
                }
            }
            index = index * SYMBOLS + symbol;
        }
        return index;
    }

    /**
     * Adds the weights of {@code gram} (never 0) to {@code score} unless {@code seen}, an
     * open-addressing set with room for twice the n-grams, holds it already.
     */
    private void count(long[] seen, long gram, double[] score) {
        int mask = seen.length - 1;
        int slot = NGramTable.hash(gram) & mask;
        while (seen[slot] != 0) {
            if (seen[slot] == gram) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        seen[slot] = gram;
        weights.addTo(gram, score);
    }

    /**
     * The candidates written in the text's script: Latin text is never Chinese, Cyrillic is Russian
     * or Ukrainian; a script of one candidate language decides alone.
     */
    private static boolean[] byScript(int[] cps) {
        if (ascii(cps)) {
            return LATIN;
        }
        Map<Character.UnicodeScript, Integer> counts = new EnumMap<>(Character.UnicodeScript.class);
        for (int cp : cps) {
            if (Character.isLetter(cp)) {
                counts.merge(Character.UnicodeScript.of(cp), 1, Integer::sum);
            }
        }
        Character.UnicodeScript main = Character.UnicodeScript.LATIN;
        int most = 0;
        for (Map.Entry<Character.UnicodeScript, Integer> e : counts.entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                main = e.getKey();
            }
        }
        boolean japanese =
                counts.containsKey(Character.UnicodeScript.HIRAGANA)
                        || counts.containsKey(Character.UnicodeScript.KATAKANA);
        boolean[] allowed = new boolean[CANDIDATES.size()];
        for (int k = 0; k < allowed.length; k++) {
            allowed[k] =
                    script(CANDIDATES.get(k))
                            == (japanese && main == Character.UnicodeScript.HAN
                                    ? Character.UnicodeScript.HIRAGANA
                                    : main);
        }
        boolean any = false;
        for (boolean a : allowed) {
            any |= a;
        }
        if (!any) {
            Arrays.fill(allowed, true); // a script no candidate uses: let the model say
        }
        return allowed;
    }

    /** The script a candidate language is written in. */
    private static Character.UnicodeScript script(String language) {
        return switch (language) {
            case "ru", "uk" -> Character.UnicodeScript.CYRILLIC;
            case "el" -> Character.UnicodeScript.GREEK;
            case "ar" -> Character.UnicodeScript.ARABIC;
            case "he" -> Character.UnicodeScript.HEBREW;
            case "hi" -> Character.UnicodeScript.DEVANAGARI;
            case "th" -> Character.UnicodeScript.THAI;
            case "zh" -> Character.UnicodeScript.HAN;
            case "ja" -> Character.UnicodeScript.HIRAGANA;
            case "ko" -> Character.UnicodeScript.HANGUL;
            default -> Character.UnicodeScript.LATIN;
        };
    }

    /**
     * The code points of {@code text} in lower case; anything but letters and apostrophes becomes
     * one space; no space at either end (as the model saw its text).
     */
    static int[] normalised(String text) {
        int[] out = new int[text.length()];
        int n = 0;
        boolean space = true;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp) || cp == '\'') {
                out[n++] = Character.toLowerCase(cp);
                space = false;
            } else if (!space) {
                out[n++] = ' ';
                space = true;
            }
        }
        if (n > 0 && out[n - 1] == ' ') {
            n--;
        }
        return Arrays.copyOf(out, n);
    }

    /** {@code insights} with the language of {@code text}. */
    public InsightsResult stamp(InsightsResult insights, String text) {
        return stamp(insights, text == null ? Guess.UNKNOWN : detect(text));
    }

    /** {@code insights} with {@code language}. */
    public static InsightsResult stamp(InsightsResult insights, Guess language) {
        if (insights == null) {
            return null;
        }
        return insights.withLanguage(
                language.language(), Math.round(language.confidence() * 1000) / 1000.0);
    }

    /**
     * Whether the offline agents' reading of a message in {@code language} deserves little trust:
     * it is clearly in a language their lexicons and examples do not cover.
     */
    public static boolean notAnalysed(Guess language) {
        return !ANALYSED.contains(language.language())
                && !language.language().equals(Guess.UNKNOWN.language())
                && language.confidence() >= SURE;
    }

    /** An n-gram of one to three code points as one number; 0 for anything else. */
    static long key(String gram, int from, int to) {
        long key = 0;
        int n = 0;
        for (int i = from; i < to; ) {
            int cp = gram.codePointAt(i);
            i += Character.charCount(cp);
            if (n == 3 || cp == 0) {
                return 0;
            }
            key |= (long) cp << (42 - 21 * n);
            n++;
        }
        return key;
    }

    /**
     * The symbol of each ASCII char as {@link Scratch#symbols} reads it: a letter in lower case or
     * an apostrophe; 0 for anything else, a space too, which separates.
     */
    private static final byte[] ASCII_SYMBOLS = new byte[128];

    static {
        for (char c = 1; c < 128; c++) {
            ASCII_SYMBOLS[c] = (byte) (c == ' ' ? 0 : symbol(Character.toLowerCase(c)));
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A thread's working memory for {@link #detectAscii}, reused so a message allocates nothing in
     * proportion to the n-grams there could be: the message's symbols, the n-grams seen (a set of
     * bits, cleared after each message by the list of those it set).
     */
    private static final class Scratch {
        final int[] symbols = new int[MAX_CHARS];
        final int[] grams = new int[3 * MAX_CHARS];
        final long[] seen = new long[(ASCII_GRAMS + 63) >>> 6];

        /**
         * The symbols of the first {@code length} chars of {@code text}, all ASCII, {@link
         * #normalised}; their count.
         */
        int symbols(String text, int length) {
            int n = 0;
            boolean space = true;
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                int symbol = ASCII_SYMBOLS[c];
                if (symbol != 0) {
                    symbols[n++] = symbol;
                    space = false;
                } else if (!space) {
                    symbols[n++] = 28;
                    space = true;
                }
            }
            return n > 0 && symbols[n - 1] == 28 ? n - 1 : n;
        }
    }

    /**
     * Open addressing from n-gram keys to rows of weights (no boxing, no strings per lookup), each
     * key beside its row's index, so a lookup reads one cache line of the table before the row.
     */
    static final class NGramTable {
        /** Slot {@code s}: the key at {@code 2s}, its row's index at {@code 2s + 1}. */
        private final long[] slots;

        private final float[] rows;
        private final int width;
        private final int mask;
        private int size;

        NGramTable(int expected, int width) {
            int count = Integer.highestOneBit(Math.max(16, expected + expected / 2)) << 1;
            this.slots = new long[2 * count];
            this.rows = new float[expected * width];
            this.width = width;
            this.mask = count - 1;
        }

        static int hash(long key) {
            return Long.hashCode(key * 0x9E3779B97F4A7C15L);
        }

        void put(long key, float[] weights) {
            int slot = slot(key);
            if (slots[2 * slot] == 0) {
                slots[2 * slot] = key;
                slots[2 * slot + 1] = size++;
            }
            System.arraycopy(weights, 0, rows, (int) slots[2 * slot + 1] * width, width);
        }

        /** Adds the row of {@code key}, if any, to {@code sum}. */
        void addTo(long key, double[] sum) {
            int slot = slot(key);
            if (slots[2 * slot] == key) {
                int base = (int) slots[2 * slot + 1] * width;
                for (int k = 0; k < width; k++) {
                    sum[k] += rows[base + k];
                }
            }
        }

        private int slot(long key) {
            int slot = hash(key) & mask;
            while (slots[2 * slot] != 0 && slots[2 * slot] != key) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }
    }
}
