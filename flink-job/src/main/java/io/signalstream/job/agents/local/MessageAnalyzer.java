package io.signalstream.job.agents.local;

import io.signalstream.job.records.MessageSignals;
import io.signalstream.model.Intent;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the local provider's signals from one (redacted) message, once, where it enters the job:
 * sentiment scores and cues, intent, the strongest escalation reason, urgency, emotion cues, topic
 * cues and whether it says the problem is solved. Thread-safe; build one per operator.
 */
public final class MessageAnalyzer {

    /** Escalation reasons in priority order; {@link MessageSignals#reason()} indexes this list. */
    public static final List<String> REASONS =
            List.of(
                    "safety issue",
                    "legal threat",
                    "chargeback threat",
                    "customer asked for a manager",
                    "cancellation threat",
                    "repeated contact");

    /** Reasons that make a conversation critical, by index in {@link #REASONS}. */
    static final int CRITICAL_REASONS = 3;

    private static final List<Pattern> REASON_PATTERNS =
            List.of(
                    Pattern.compile(
                            "\\b(fire|smoke|smoking|burn\\w*|sparks?|electric shock|shocked me|injur\\w*|hurt|unsafe|danger\\w*|overheat\\w*|exploded|gas leak)\\b"),
                    Pattern.compile(
                            "\\b(lawyer|attorney|legal action|sue|suing|court|solicitor|ombudsman)\\b"),
                    Pattern.compile(
                            "\\b(chargeback|charge back|dispute (the|this|it)|my bank|report you|consumer protection|bbb)\\b"),
                    Pattern.compile("\\b(manager|supervisor|escalate|someone senior|your boss)\\b"),
                    Pattern.compile(
                            "\\b((or|if|unless)\\b.{0,60}\\b(cancel\\w*|close my account|leave|leaving|switch\\w*)|switching to a competitor|i'?m (done|leaving|cancell?ing))\\b"),
                    Pattern.compile(
                            "\\b(third|fourth|fifth|\\d+(st|nd|rd|th)) (time|email|call|message)|(three|four|five|several|many) times|again and again|over and over|how many times|keep (contacting|calling|writing|asking)|already (told|explained)|every day\\b"));

    /** Words one of which must be in the text before its reason's pattern is worth running. */
    private static final List<String[]> REASON_STEMS =
            List.of(
                    new String[] {
                        "fire",
                        "smok",
                        "burn",
                        "spark",
                        "shock",
                        "injur",
                        "hurt",
                        "unsafe",
                        "danger",
                        "overheat",
                        "explod",
                        "gas leak"
                    },
                    new String[] {
                        "lawyer",
                        "attorney",
                        "legal",
                        "sue",
                        "suing",
                        "court",
                        "solicitor",
                        "ombudsman"
                    },
                    new String[] {
                        "chargeback",
                        "charge back",
                        "dispute",
                        "bank",
                        "report you",
                        "consumer",
                        "bbb"
                    },
                    new String[] {"manager", "supervisor", "escalat", "senior", "boss"},
                    new String[] {"cancel", "close my account", "leav", "switch", "done"},
                    new String[] {
                        "time",
                        "email",
                        "call",
                        "message",
                        "again",
                        "over and over",
                        "keep",
                        "already",
                        "every day"
                    });

    private static final Pattern URGENT =
            Pattern.compile("\\b(urgent|urgently|asap|immediately|right now|today|emergency)\\b");
    private static final String[] URGENT_STEMS = {
        "urgent", "asap", "immediately", "right now", "today", "emergency"
    };

    /** Topic cues: a word (or its prefix, with {@code *}) and the topic it names. */
    static final String[][] TOPICS = {
        {"refund*", "refund"},
        {"charge*", "payment"},
        {"invoice*", "invoice"},
        {"deliver*", "delivery"},
        {"package*", "delivery"},
        {"parcel*", "delivery"},
        {"password*", "login"},
        {"login*", "login"},
        {"app", "app"},
        {"apps", "app"},
        {"subscription*", "subscription"},
        {"damaged", "damaged item"},
        {"broken", "damaged item"},
        {"warranty", "warranty"},
        {"cancel*", "cancellation"}
    };

    private final SentimentAnalyzer sentiment;

    public MessageAnalyzer(SentimentAnalyzer sentiment) {
        this.sentiment = sentiment;
    }

    public MessageAnalyzer() {
        this(SentimentAnalyzer.shared());
    }

    /** The signals of one message's text. */
    public MessageSignals analyze(String text) {
        SentimentAnalyzer.Scores scores = sentiment.score(text);
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> words = IntentRules.words(text);
        int reason = -1;
        for (int i = 0; i < REASON_PATTERNS.size() && reason < 0; i++) {
            if (Text.containsAny(lower, REASON_STEMS.get(i))
                    && REASON_PATTERNS.get(i).matcher(lower).find()) {
                reason = i;
            }
        }
        List<String> cues = scores.cues();
        return new MessageSignals(
                (float) scores.compound(),
                (float) scores.positive(),
                (float) scores.negative(),
                (float) scores.politePositive(),
                cues.size() <= MessageSignals.MAX_CUES
                        ? List.copyOf(cues)
                        : List.copyOf(cues.subList(0, MessageSignals.MAX_CUES)),
                IntentRules.classify(words),
                reason,
                Text.containsAny(lower, URGENT_STEMS) && URGENT.matcher(lower).find(),
                emotionCues(text, lower, scores),
                topics(words, lower),
                resolved(lower));
    }

    private static int emotionCues(String text, String lower, SentimentAnalyzer.Scores scores) {
        int cues = 0;
        if (Text.containsAny(
                lower,
                "furious",
                "angry",
                "outraged",
                "disgust",
                "unacceptable",
                "ridiculous",
                "worst",
                "scam",
                "joke",
                "demand",
                "lawyer",
                "sue ")) {
            cues |= MessageSignals.EMOTION_ANGRY;
        }
        if (shouting(text)) {
            cues |= MessageSignals.EMOTION_SHOUTING;
        }
        if (Text.containsAny(
                lower,
                "still",
                "again",
                "third time",
                "fed up",
                "sick of",
                "frustrat",
                "annoy",
                "keep",
                "every time",
                "forever",
                "waiting",
                "how long",
                "so long")) {
            cues |= MessageSignals.EMOTION_FRUSTRATED;
        }
        if (Text.containsAny(
                lower,
                "worried",
                "concerned",
                "nervous",
                "anxious",
                "scared",
                "afraid",
                "urgent",
                "asap",
                "fraud",
                "someone else",
                "hacked")) {
            cues |= MessageSignals.EMOTION_ANXIOUS;
        }
        if (Text.containsAny(
                lower,
                "disappoint",
                "let down",
                "expected better",
                "expected much better",
                "unfortunately",
                "sad")) {
            cues |= MessageSignals.EMOTION_DISAPPOINTED;
        }
        if (Text.containsAny(
                lower,
                "confused",
                "don't understand",
                "dont understand",
                "unclear",
                "makes no sense",
                "??")) {
            cues |= MessageSignals.EMOTION_CONFUSED;
        }
        if (scores.politePositive() > 0 || Text.containsAny(lower, "grateful", "thank")) {
            cues |= MessageSignals.EMOTION_GRATEFUL;
        }
        return cues;
    }

    /** Several words (three characters or more) in capitals. */
    private static boolean shouting(String text) {
        int caps = 0;
        int length = 0;
        boolean letter = false;
        boolean upperOnly = true;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (Character.isWhitespace(c)) {
                if (length > 2 && letter && upperOnly) {
                    caps++;
                }
                length = 0;
                letter = false;
                upperOnly = true;
                continue;
            }
            length++;
            if (Character.isLetter(c)) {
                letter = true;
                upperOnly &= Character.isUpperCase(c);
            }
        }
        return caps >= 2;
    }

    private static int topics(List<String> words, String lower) {
        int found = 0;
        for (int t = 0; t < TOPICS.length; t++) {
            String cue = TOPICS[t][0];
            boolean prefix = cue.endsWith("*");
            String stem = prefix ? cue.substring(0, cue.length() - 1) : cue;
            for (String w : words) {
                if (prefix ? w.startsWith(stem) : w.equals(stem)) {
                    found |= 1 << t;
                    break;
                }
            }
        }
        if (lower.contains("log in")) {
            found |= 1 << 7; // the "login" topic
        }
        return found;
    }

    private static boolean resolved(String lower) {
        return Text.containsAny(
                        lower,
                        "resolved",
                        "that fixed it",
                        "that worked",
                        "all sorted",
                        "problem solved")
                && !Text.containsAny(lower, "not resolved", "isn't resolved", "still not");
    }

    /** Whether {@code intent} names a problem the customer has (not a question or praise). */
    static boolean problem(Intent intent) {
        return switch (intent) {
            case COMPLAINT,
                    REFUND_REQUEST,
                    BILLING,
                    ACCOUNT_ACCESS,
                    TECHNICAL_ISSUE,
                    SHIPPING_DELIVERY,
                    CANCELLATION ->
                    true;
            default -> false;
        };
    }
}
