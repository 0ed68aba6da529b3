package io.signalstream.job.agents.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rule-based sentiment of one message in the manner of VADER (Hutto and Gilbert, 2014): a valence
 * lexicon with support-specific phrases, negation, boosters and dampeners, "but" clauses that
 * weight the second half, ALL-CAPS and exclamation emphasis, emoticons and emoji, and a guard for
 * sarcastic praise ("Brilliant." after a complaint). Thread-safe; build one and share it.
 */
public final class SentimentAnalyzer {

    /**
     * One message's scores: {@code compound} in [-1, 1], the raw positive and negative sums, and
     * the cues.
     */
    public record Scores(
            double compound,
            double positive,
            double negative,
            double politePositive,
            List<String> cues) {}

    private static final double BOOST = 0.293;
    private static final double CAPS_BOOST = 0.733;
    private static final double NEGATION = -0.74;
    private static final double NORMALIZE = 15.0;

    private static final Set<String> NEGATIONS =
            Set.of(
                    "not",
                    "no",
                    "never",
                    "nobody",
                    "nothing",
                    "neither",
                    "nor",
                    "none",
                    "without",
                    "hardly",
                    "barely",
                    "cannot",
                    "cant",
                    "dont",
                    "doesnt",
                    "didnt",
                    "isnt",
                    "wasnt",
                    "arent",
                    "werent",
                    "wont",
                    "wouldnt",
                    "shouldnt",
                    "couldnt",
                    "havent",
                    "hasnt",
                    "hadnt",
                    "aint",
                    // Spanish
                    "nunca",
                    "nada",
                    "nadie",
                    "ni",
                    "tampoco",
                    "jamás",
                    "sin");
    private static final Map<String, Double> BOOSTERS =
            Map.ofEntries(
                    Map.entry("very", BOOST),
                    Map.entry("really", BOOST),
                    Map.entry("so", BOOST),
                    Map.entry("extremely", BOOST * 1.5),
                    Map.entry("incredibly", BOOST * 1.5),
                    Map.entry("absolutely", BOOST * 1.5),
                    Map.entry("totally", BOOST),
                    Map.entry("completely", BOOST),
                    Map.entry("super", BOOST),
                    Map.entry("highly", BOOST),
                    Map.entry("truly", BOOST),
                    Map.entry("utterly", BOOST * 1.5),
                    Map.entry("most", BOOST),
                    Map.entry("too", BOOST * 0.5),
                    Map.entry("quite", BOOST * 0.5),
                    Map.entry("slightly", -BOOST),
                    Map.entry("somewhat", -BOOST),
                    Map.entry("barely", -BOOST),
                    Map.entry("hardly", -BOOST),
                    Map.entry("little", -BOOST),
                    Map.entry("bit", -BOOST),
                    // Spanish
                    Map.entry("muy", BOOST),
                    Map.entry("tan", BOOST),
                    Map.entry("súper", BOOST),
                    Map.entry("bastante", BOOST * 0.5),
                    Map.entry("realmente", BOOST),
                    Map.entry("totalmente", BOOST),
                    Map.entry("completamente", BOOST),
                    Map.entry("extremadamente", BOOST * 1.5),
                    Map.entry("increíblemente", BOOST * 1.5),
                    Map.entry("poco", -BOOST),
                    Map.entry("algo", -BOOST));
    private static final Set<String> CONTRAST =
            Set.of("but", "however", "though", "although", "yet", "pero", "aunque");

    /** Politeness carries little opinion: it does not make a complaint "mixed". */
    private static final Set<String> POLITE =
            Set.of(
                    "thanks",
                    "thank",
                    "thx",
                    "appreciate",
                    "appreciated",
                    "sorry",
                    "please",
                    "kindly",
                    "gracias");

    /** Praise words that, alone in a sentence after a complaint, are usually sarcastic. */
    private static final Set<String> SARCASM_PRONE =
            Set.of(
                    "great",
                    "brilliant",
                    "perfect",
                    "wonderful",
                    "fantastic",
                    "lovely",
                    "awesome",
                    "amazing",
                    "nice",
                    "super");

    private static final Map<String, Double> EMOTICONS =
            Map.ofEntries(
                    Map.entry(":)", 1.8),
                    Map.entry(":-)", 1.8),
                    Map.entry("=)", 1.6),
                    Map.entry(":d", 2.2),
                    Map.entry(":-d", 2.2),
                    Map.entry(";)", 1.2),
                    Map.entry(":p", 1.0),
                    Map.entry("<3", 2.4),
                    Map.entry(":(", -1.9),
                    Map.entry(":-(", -1.9),
                    Map.entry(":/", -1.2),
                    Map.entry(":|", -0.6),
                    Map.entry(">:(", -2.6),
                    Map.entry(":[", -1.8));
    private static final Map<Integer, Double> EMOJI =
            Map.ofEntries(
                    Map.entry(0x1F44D, 1.8),
                    Map.entry(0x1F44E, -1.8),
                    Map.entry(0x2764, 2.6),
                    Map.entry(0x1F60A, 2.2),
                    Map.entry(0x1F600, 2.2),
                    Map.entry(0x1F603, 2.2),
                    Map.entry(0x1F604, 2.3),
                    Map.entry(0x1F642, 1.6),
                    Map.entry(0x1F64F, 1.6),
                    Map.entry(0x1F389, 2.2),
                    Map.entry(0x1F60D, 2.8),
                    Map.entry(0x1F621, -3.0),
                    Map.entry(0x1F620, -2.6),
                    Map.entry(0x1F92C, -3.2),
                    Map.entry(0x1F624, -2.4),
                    Map.entry(0x1F61E, -2.0),
                    Map.entry(0x1F641, -1.8),
                    Map.entry(0x2639, -1.8),
                    Map.entry(0x1F622, -2.2),
                    Map.entry(0x1F62D, -2.4),
                    Map.entry(0x1F612, -1.6),
                    Map.entry(0x1F644, -1.6),
                    Map.entry(0x1F615, -1.2));

    /** VADER's lexicon (MIT licence): word, mean valence, standard deviation, ratings. */
    private static final String VADER_LEXICON = "/vader_sentiment_lexicon.txt";

    private static final String SUPPORT_LEXICON = "/signalstream/sentiment-lexicon.tsv";

    /** Spanish words and phrases: Spanish is analysed offline too (see Languages.ANALYSED). */
    private static final String SPANISH_LEXICON = "/signalstream/sentiment-lexicon-es.tsv";

    private static volatile SentimentAnalyzer shared;

    private final Map<String, Double> words = new HashMap<>();

    /** Phrases by their first word, longest first. */
    private final Map<String, List<String[]>> phrases = new HashMap<>();

    private final Map<String, Double> phraseValence = new HashMap<>();

    /**
     * What scoring reads of one token as {@link #tokens} cuts it, worked out once per distinct
     * token: its normalised form, the phrases it starts, its valence (a contraction's only as
     * itself), its booster weight, and what it is ({@link #NEGATION_WORD} and the other flags).
     */
    private record Token(
            String normalized, List<String[]> phrases, Double base, Double boost, int flags) {}

    private static final int NEGATION_WORD = 1;
    private static final int CONTRAST_WORD = 2;
    private static final int POLITE_WORD = 4;
    private static final int SARCASM_PRONE_WORD = 8;

    /** {@code , . ! ?}: what a negation does not reach past. */
    private static final int BREAK = 16;

    /** {@code . !}: the end of a sentence, for sarcasm. */
    private static final int SENTENCE_END = 32;

    /** Two or more characters, the first a letter, all in capitals. */
    private static final int CAPITALS = 64;

    /** Distinct tokens whose {@link Token} is kept, at most (a few MB). */
    static final int MAX_TOKENS = 20_000;

    private final WordCache<Token> known = new WordCache<>(MAX_TOKENS, this::token);

    /** Lexicon words written with an apostrophe ("can't"), in their normalised form. */
    private final Set<String> contractions = new HashSet<>();

    public SentimentAnalyzer() {
        // VADER's general lexicon (about 7,500 words rated by people) is the base; the support
        // lexicon's words and phrases override it, and a support word rated 0 there carries no
        // opinion here ("help", "please", "credit", "charged" ask for something, they do not
        // judge).
        read(VADER_LEXICON, true);
        read(SUPPORT_LEXICON, false);
        read(SPANISH_LEXICON, false);
        phrases.values().forEach(list -> list.sort((a, b) -> b.length - a.length));
    }

    private void read(String resource, boolean wordsOnly) {
        var stream = SentimentAnalyzer.class.getResourceAsStream(resource);
        if (stream == null) {
            throw new IllegalStateException("the sentiment lexicon " + resource + " is missing");
        }
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t");
                if (parts.length < 2) {
                    continue;
                }
                double valence = Double.parseDouble(parts[1].strip());
                String term = parts[0].strip();
                if (term.contains(" ")) {
                    if (wordsOnly) {
                        continue;
                    }
                    String[] tokens = normalize(term).split(" ");
                    phrases.computeIfAbsent(tokens[0], k -> new ArrayList<>()).add(tokens);
                    phraseValence.put(String.join(" ", tokens), valence);
                } else if (valence == 0) {
                    words.remove(normalize(term));
                } else {
                    words.put(normalize(term), valence);
                    if (!normalize(term).equals(term.toLowerCase(Locale.ROOT))) {
                        contractions.add(normalize(term));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sentiment lexicon " + resource, e);
        }
    }

    /** One analyzer per class loader (per job in a TaskManager), shared by the agents. */
    public static SentimentAnalyzer shared() {
        SentimentAnalyzer s = shared;
        if (s == null) {
            synchronized (SentimentAnalyzer.class) {
                s = shared;
                if (s == null) {
                    s = new SentimentAnalyzer();
                    shared = s;
                }
            }
        }
        return s;
    }

    /** A single word's valence in the lexicon (-4..4), 0 when it carries none. */
    public double valence(String word) {
        Double v = words.get(normalize(word));
        return v == null ? 0 : v;
    }

    /** Scores one message. */
    public Scores score(String text) {
        return analyze(text);
    }

    private Token token(String raw) {
        String token = normalize(raw);
        // "I'll" is not "ill", "we'll" not "well": a contraction counts only as itself
        Double base =
                token.length() == raw.length() || contractions.contains(token)
                        ? words.get(token)
                        : null;
        if (base == null) {
            base = EMOTICONS.get(token);
        }
        int flags = 0;
        flags |= NEGATIONS.contains(token) ? NEGATION_WORD : 0;
        flags |= CONTRAST.contains(token) ? CONTRAST_WORD : 0;
        flags |= POLITE.contains(token) ? POLITE_WORD : 0;
        flags |= SARCASM_PRONE.contains(token) ? SARCASM_PRONE_WORD : 0;
        flags |= token.equals(".") || token.equals("!") ? SENTENCE_END | BREAK : 0;
        flags |= token.equals("?") || token.equals(",") ? BREAK : 0;
        flags |=
                raw.length() > 1
                                && raw.equals(raw.toUpperCase(Locale.ROOT))
                                && Character.isLetter(raw.charAt(0))
                        ? CAPITALS
                        : 0;
        return new Token(token, phrases.get(token), base, BOOSTERS.get(token), flags);
    }

    private Scores analyze(String text) {
        List<String> raw = tokens(text);
        boolean shouting = hasLowerCase(text); // emphasis counts only in mixed-case text
        List<String> tokens = new ArrayList<>(raw.size());
        Token[] info = new Token[raw.size()];
        for (int i = 0; i < info.length; i++) {
            info[i] = known.get(raw.get(i));
            tokens.add(info[i].normalized());
        }
        double[] valence = new double[tokens.size()];
        List<String> cues = new ArrayList<>();
        boolean[] consumed = new boolean[tokens.size()];

        for (int i = 0; i < tokens.size(); i++) {
            if (consumed[i]) {
                continue;
            }
            String[] phrase = matchPhrase(info[i].phrases(), tokens, i);
            if (phrase != null) {
                double v = phraseValence.get(String.join(" ", phrase));
                if ((info[i].flags() & NEGATION_WORD) == 0
                        && !(i > 0 && consumed[i - 1])
                        && negated(info, i)) { // "haven't fixed it", not "nothing, never helps"
                    v *= NEGATION;
                }
                valence[i] = v;
                int span = span(tokens, i, phrase.length);
                for (int k = 1; k < span; k++) {
                    consumed[i + k] = true;
                }
                cues.add("\"" + String.join(" ", phrase) + "\"");
                i += span - 1;
                continue;
            }
            Double base = info[i].base();
            if (base == null) {
                continue;
            }
            double v = base;
            String cue = raw.get(i);
            for (int back = 1; back <= 3 && i - back >= 0; back++) {
                Double boost = info[i - back].boost();
                if (boost != null) {
                    v += Math.signum(v) * boost * (1.0 - 0.05 * (back - 1));
                    if (back == 1) {
                        cue = raw.get(i - 1) + " " + cue;
                    }
                }
            }
            if (shouting && (info[i].flags() & CAPITALS) != 0) {
                v += Math.signum(v) * CAPS_BOOST;
                cue = cue + " (caps)";
            }
            if (negated(info, i)) {
                v *= NEGATION;
                cue = "negated " + cue;
            }
            valence[i] = v;
            cues.add(cue);
        }
        double emoji = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            Double e = cp > 0x2000 ? EMOJI.get(cp) : null;
            if (e != null) {
                emoji += e;
                cues.add(new String(Character.toChars(cp)));
            }
            i += Character.charCount(cp);
        }
        return finish(tokens, info, valence, cues, text, emoji);
    }

    private Scores finish(
            List<String> tokens,
            Token[] info,
            double[] valence,
            List<String> cues,
            String text,
            double emoji) {
        sarcasm(tokens, info, valence, cues);
        double positive = emoji > 0 ? emoji : 0;
        double negative = emoji < 0 ? emoji : 0;
        double polite = 0;
        int contrast = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if ((info[i].flags() & CONTRAST_WORD) != 0) {
                contrast = i;
            }
            if (valence[i] > 0) {
                if ((info[i].flags() & POLITE_WORD) != 0) {
                    polite += valence[i];
                } else {
                    positive += valence[i];
                }
            } else {
                negative += valence[i];
            }
        }
        double sum = emoji;
        for (int i = 0; i < tokens.size(); i++) {
            // The clause after "but" says what the writer means; the one before matters less.
            double weight = contrast < 0 ? 1.0 : (i < contrast ? 0.5 : 1.5);
            sum += valence[i] * weight;
        }
        if (sum != 0) {
            long bangs = Math.min(4, text.chars().filter(c -> c == '!').count());
            sum += Math.signum(sum) * bangs * 0.292;
        }
        double compound = sum / Math.sqrt(sum * sum + NORMALIZE);
        return new Scores(compound, positive, negative, polite, cues);
    }

    /**
     * "Brilliant." or "Great." standing alone after complaining words reads as sarcasm: flip it.
     */
    private static void sarcasm(
            List<String> tokens, Token[] info, double[] valence, List<String> cues) {
        double negativeElsewhere = 0;
        for (double v : valence) {
            negativeElsewhere += Math.min(0, v);
        }
        if (negativeElsewhere > -1.0) {
            return;
        }
        int sentenceStart = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            boolean end = i == tokens.size() || (info[i].flags() & SENTENCE_END) != 0;
            if (!end) {
                continue;
            }
            int length = i - sentenceStart;
            if (length >= 1 && length <= 2) {
                for (int k = sentenceStart; k < i; k++) {
                    if ((info[k].flags() & SARCASM_PRONE_WORD) != 0 && valence[k] > 0) {
                        valence[k] = -valence[k];
                        cues.add("sarcastic \"" + tokens.get(k) + "\"");
                    }
                }
            }
            sentenceStart = i + 1;
        }
    }

    /** The longest phrase starting at {@code at}; commas between its words do not break it. */
    private static String[] matchPhrase(List<String[]> candidates, List<String> tokens, int at) {
        if (candidates == null) {
            return null;
        }
        outer:
        for (String[] phrase : candidates) {
            int j = at + 1;
            for (int k = 1; k < phrase.length; k++) {
                while (j < tokens.size() && tokens.get(j).equals(",")) {
                    j++;
                }
                if (j >= tokens.size() || !phrase[k].equals(tokens.get(j))) {
                    continue outer;
                }
                j++;
            }
            return phrase;
        }
        return null;
    }

    /** How many tokens from {@code at} hold {@code words} words (commas between them count). */
    private static int span(List<String> tokens, int at, int words) {
        int j = at;
        for (int seen = 0; seen < words; j++) {
            if (!tokens.get(j).equals(",")) {
                seen++;
            }
        }
        return j - at;
    }

    private static boolean negated(Token[] info, int i) {
        for (int back = 1; back <= 3 && i - back >= 0; back++) {
            int flags = info[i - back].flags();
            if ((flags & (BREAK | CONTRAST_WORD)) != 0) {
                return false;
            }
            if ((flags & NEGATION_WORD) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The text's tokens: words (letters and numbers, with one apostrophe and the letters after it,
     * as in "don't"), emoticons such as {@code :)} or {@code >:(}, {@code <3}, and the sentence
     * marks {@code . ! ?}. One pass, no regular expression.
     */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>(text.length() / 4 + 1);
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (wordChar(cp)) {
                int j = i + Character.charCount(cp);
                while (j < n && wordChar(text.codePointAt(j))) {
                    j += Character.charCount(text.codePointAt(j));
                }
                if (j + 1 < n
                        && (text.charAt(j) == '\'' || text.charAt(j) == '’')
                        && Character.isLetter(text.codePointAt(j + 1))) {
                    j++;
                    while (j < n && Character.isLetter(text.codePointAt(j))) {
                        j += Character.charCount(text.codePointAt(j));
                    }
                }
                out.add(text.substring(i, j));
                i = j;
                continue;
            }
            int emoticon = emoticon(text, i);
            if (emoticon > i) {
                out.add(text.substring(i, emoticon));
                i = emoticon;
            } else if (cp == '<' && i + 1 < n && text.charAt(i + 1) == '3') {
                out.add("<3");
                i += 2;
            } else {
                if (cp == '.' || cp == '!' || cp == '?' || cp == ',') {
                    out.add(String.valueOf((char) cp)); // a comma ends what a negation reaches
                }
                i += Character.charCount(cp);
            }
        }
        return out;
    }

    /** A letter or a number of any kind (Unicode's L and N). */
    private static boolean wordChar(int cp) {
        if (cp < 128) {
            return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9';
        }
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** The end of an emoticon {@code >?[:;=8]['-]?[()[]DPp/|]} starting at {@code i}, or i. */
    private static int emoticon(String text, int i) {
        int j = i;
        int n = text.length();
        if (j < n && text.charAt(j) == '>') {
            j++;
        }
        if (j >= n || ":;=8".indexOf(text.charAt(j)) < 0) {
            return i;
        }
        j++;
        if (j < n && "()[]DPp/|".indexOf(text.charAt(j)) >= 0) {
            return j + 1;
        }
        if (j + 1 < n
                && (text.charAt(j) == '\'' || text.charAt(j) == '-')
                && "()[]DPp/|".indexOf(text.charAt(j + 1)) >= 0) {
            return j + 2;
        }
        return i;
    }

    private static boolean hasLowerCase(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLowerCase(c) || Character.toUpperCase(c) != c) {
                return true;
            }
        }
        return false;
    }

    /** Lower case, apostrophes dropped ("don't" and "dont" are one word). */
    static String normalize(String token) {
        return token.toLowerCase(Locale.ROOT).replace("'", "").replace("’", "");
    }
}
