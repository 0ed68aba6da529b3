package io.signalstream.job.agents.local;

import io.signalstream.job.records.MessageSignals;
import io.signalstream.model.Intent;
import java.util.List;

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

    /*
     * Every cue the signals read, in one index so that a message's words are looked up once: each
     * kind of cue has its own range of bits in what the index finds. Emotions take the bits of
     * their MessageSignals flags, so they read off unchanged.
     */
    private static final int EMOTION_BITS = 0;
    private static final int REASON_BITS = 8;
    private static final int URGENT_BIT = 14;
    private static final int RESOLVED_BIT = 15;
    private static final int UNRESOLVED_BIT = 16;
    private static final int TOPIC_BITS = 17;

    private static final Cues CUES = new Cues();

    static {
        if (Integer.highestOneBit(MessageSignals.EMOTION_GRATEFUL) >= 1 << REASON_BITS
                || REASON_BITS + REASONS.size() > URGENT_BIT
                || TOPIC_BITS + TOPICS.length > Long.SIZE) {
            throw new IllegalStateException("the cue kinds' bit ranges overlap");
        }
        // escalation reasons, one bit each, in the order of REASONS
        CUES.add(
                        REASON_BITS,
                        "fire, smoke, smoking, burn*, spark, sparks, electric shock, shocked me,"
                                + " injur*, hurt, unsafe, danger*, overheat*, exploded, gas leak")
                .add(
                        REASON_BITS + 1,
                        "lawyer, attorney, legal action, sue, suing, court, solicitor, ombudsman")
                .add(
                        REASON_BITS + 2,
                        "chargeback, charge back, dispute the, dispute this, dispute it, my bank,"
                                + " report you, consumer protection, bbb")
                .add(REASON_BITS + 3, "manager, supervisor, escalate, someone senior, your boss")
                .add(
                        REASON_BITS + 4,
                        "switching to a competitor, i'm done, im done, i'm leaving, im leaving,"
                                + " i'm cancelling, im cancelling, i'm canceling, im canceling")
                .add(
                        REASON_BITS + 5,
                        "third time*, third email*, third call*, third message*, fourth time*,"
                                + " fourth email*, fourth call*, fourth message*, fifth time*,"
                                + " fifth email*, fifth call*, fifth message*, three times,"
                                + " four times, five times, several times, many times,"
                                + " again and again, over and over, how many times,"
                                + " keep contacting, keep calling, keep writing, keep asking,"
                                + " already told, already explained, every day");
        CUES.add(URGENT_BIT, "urgent, urgently, asap, immediately, right now, today, emergency");
        CUES.add(
                        EMOTION_BITS + bit(MessageSignals.EMOTION_ANGRY),
                        "furious, angry, angrier, outraged, disgust*, unacceptable, ridiculous,"
                                + " worst, scam*, joke*, demand*, lawyer*, sue")
                .add(
                        EMOTION_BITS + bit(MessageSignals.EMOTION_FRUSTRATED),
                        "still, again, third time, fed up, sick of, frustrat*, annoy*, keep*,"
                                + " every time, forever, waiting, how long, so long")
                .add(
                        EMOTION_BITS + bit(MessageSignals.EMOTION_ANXIOUS),
                        "worried, concerned, nervous, anxious, scared, afraid, urgent*, asap,"
                                + " fraud*, someone else, hacked")
                .add(
                        EMOTION_BITS + bit(MessageSignals.EMOTION_DISAPPOINTED),
                        "disappoint*, let down, expected better, expected much better,"
                                + " unfortunately, sad")
                .add(
                        EMOTION_BITS + bit(MessageSignals.EMOTION_CONFUSED),
                        "confused, don't understand, dont understand, unclear, makes no sense")
                .add(EMOTION_BITS + bit(MessageSignals.EMOTION_GRATEFUL), "grateful, thank*");
        CUES.add(RESOLVED_BIT, "resolved, that fixed it, that worked, all sorted, problem solved")
                .add(
                        UNRESOLVED_BIT,
                        "not resolved, isn't resolved, isnt resolved, still not, unresolved");
        // TOPICS, bit TOPIC_BITS + t for the cue at t; "log in" also names the login
        for (int t = 0; t < TOPICS.length; t++) {
            CUES.cue(TOPIC_BITS + t, TOPICS[t][0]);
        }
        CUES.cue(TOPIC_BITS + 7, "log in");
    }

    private static final int CANCEL_THREAT = 4;
    private static final int REPEATED = 5;

    /** A condition ("or", "if", "unless") this many words before a way out is a threat. */
    private static final int THREAT_REACH = 12;

    /** The words' cues and intent weights, shared by every analyzer of the class loader. */
    private static final class Shared {
        static final Lexicon LEXICON = new Lexicon(CUES, IntentModel.shared());
    }

    private final SentimentAnalyzer sentiment;
    private final Lexicon lexicon;

    public MessageAnalyzer(SentimentAnalyzer sentiment) {
        this.sentiment = sentiment;
        this.lexicon = Shared.LEXICON; // the intent model trained here, not on the first message
    }

    public MessageAnalyzer() {
        this(SentimentAnalyzer.shared());
    }

    /** The signals of one message's text. */
    public MessageSignals analyze(String text) {
        SentimentAnalyzer.Scores scores = sentiment.score(text);
        Lexicon.Words looked = lexicon.lookUp(IntentRules.words(text));
        List<String> words = looked.words();
        List<String> cues = scores.cues();
        long found = CUES.find(words, looked.signal());
        long emotions = (found >>> EMOTION_BITS) & 0x7F;
        if (text.contains("??")) {
            emotions |= MessageSignals.EMOTION_CONFUSED;
        }
        if (scores.politePositive() > 0) {
            emotions |= MessageSignals.EMOTION_GRATEFUL;
        }
        if (shouting(text)) {
            emotions |= MessageSignals.EMOTION_SHOUTING;
        }
        IntentRules.Decision intent =
                IntentRules.decide(words, looked.intent(), looked.model(), lexicon.model());
        if (intent.tentative()) {
            emotions |= MessageSignals.INTENT_TENTATIVE;
        }
        return new MessageSignals(
                (float) scores.compound(),
                (float) scores.positive(),
                (float) scores.negative(),
                (float) scores.politePositive(),
                cues.size() <= MessageSignals.MAX_CUES
                        ? List.copyOf(cues)
                        : List.copyOf(cues.subList(0, MessageSignals.MAX_CUES)),
                intent.intent(),
                reason(found, words),
                (found & (1L << URGENT_BIT)) != 0,
                (int) emotions,
                (int) ((found >>> TOPIC_BITS) & ((1L << TOPICS.length) - 1)),
                resolved(found));
    }

    /** A reply that says the problem is solved, and nothing else. */
    private static final MessageSignals RESOLVED_REPLY =
            new MessageSignals(
                    0, 0, 0, 0, List.of(), Intent.GENERAL_INQUIRY, -1, false, 0, 0, true);

    /**
     * What a conversation reads of a message that is not the customer's (the agent's, the
     * system's): whether it says the problem is solved ({@link LocalContextFold} reads nothing else
     * of it: sentiment, intent, urgency and topics are the customer's). So only the cues are looked
     * up; the other signals are those of {@link MessageSignals#NONE}.
     */
    public MessageSignals analyzeReply(String text) {
        // not through the lexicon: a reply's one-off words would be worked out for the intent
        // model, which a reply is not read by
        return resolved(CUES.find(IntentRules.words(text))) ? RESOLVED_REPLY : MessageSignals.NONE;
    }

    private static boolean resolved(long found) {
        return (found & (1L << RESOLVED_BIT)) != 0 && (found & (1L << UNRESOLVED_BIT)) == 0;
    }

    /** The strongest escalation reason the words state, or -1; {@code cues} as the index found. */
    private static int reason(long cues, List<String> words) {
        long found = (cues >>> REASON_BITS) & ((1L << REASONS.size()) - 1);
        if ((found & (1L << CANCEL_THREAT)) == 0 && conditionalWayOut(words)) {
            found |= 1L << CANCEL_THREAT;
        }
        if ((found & (1L << REPEATED)) == 0 && ordinalContact(words)) {
            found |= 1L << REPEATED;
        }
        return found == 0 ? -1 : Long.numberOfTrailingZeros(found);
    }

    /** "... or I cancel", "if this goes on I'm leaving", "unless ..., I'll switch". */
    private static boolean conditionalWayOut(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!(w.equals("or") || w.equals("if") || w.equals("unless"))) {
                continue;
            }
            for (int k = i + 1; k < words.size() && k <= i + THREAT_REACH; k++) {
                String out = words.get(k);
                if (out.startsWith("cancel")
                        || out.startsWith("switch")
                        || out.equals("leave")
                        || out.equals("leaving")
                        || out.equals("close")
                                && k + 2 < words.size()
                                && words.get(k + 1).equals("my")
                                && words.get(k + 2).equals("account")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** "the 4th time", "my 5th email". */
    private static boolean ordinalContact(List<String> words) {
        for (int i = 0; i + 1 < words.size(); i++) {
            String w = words.get(i);
            if (w.length() > 2
                    && Character.isDigit(w.charAt(0))
                    && (w.endsWith("st")
                            || w.endsWith("nd")
                            || w.endsWith("rd")
                            || w.endsWith("th"))
                    && w.chars().limit(w.length() - 2).allMatch(Character::isDigit)) {
                String next = words.get(i + 1);
                if (next.startsWith("time")
                        || next.startsWith("email")
                        || next.startsWith("call")
                        || next.startsWith("message")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int bit(int flag) {
        return Integer.numberOfTrailingZeros(flag);
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
