package io.signalstream.job.agents.local;

import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.Clip;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.MessageSignals;
import io.signalstream.model.AgentKind;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The offline agents: every agent's result for a conversation, from its {@link ConversationContext}
 * and the new message alone, in constant time. Deterministic, so a replayed message gets the same
 * answer.
 *
 * <ul>
 *   <li>sentiment follows the customer (agent messages do not count), recent messages weighing
 *       more; emotion from the newest customer message's cues;
 *   <li>PII: what was found in the whole conversation, the newest message redacted;
 *   <li>insights: the newest specific intent; escalation with a reason a team lead can act on (a
 *       legal, chargeback or cancellation threat, repeated contact, a safety issue, strong anger, a
 *       request for a manager) among the last {@code window} messages; urgency; next actions;
 *   <li>summary: who wants what, from the customer's own words, and where it stands;
 *   <li>reply (agent assist): a reply to the newest customer message that fits its intent and
 *       emotion.
 * </ul>
 */
public final class LocalAgents {

    public static final String PROVIDER = "local";
    public static final String MODEL = "local-rules-v1";

    static final double LABEL_THRESHOLD = 0.2;

    /** The highest sentiment confidence for a message in a language not analysed offline. */
    static final double UNSURE_CONFIDENCE = 0.2;

    static final double MIXED_MINIMUM = 1.2;

    /** A newest customer message at least this negative counts as strong anger. */
    static final double STRONG_ANGER = -0.75;

    /** The aggregate shows the newest message's redacted text up to this many characters. */
    public static final int REDACTED_MESSAGE_CHARS = 2_000;

    private final int window;

    /**
     * The messages' language, in this instance's working memory: {@link #answer} is one thread's.
     */
    private final Languages.Detector languages = Languages.shared().detector();

    /**
     * @param window how many of the newest messages escalation, urgency and topic cues count for
     */
    public LocalAgents(int window) {
        this.window = window;
    }

    /**
     * All five agents' answers to a new message, as the local provider gives them. One thread at a
     * time (the operator's).
     */
    public AgentResults answer(AgentRequest request) {
        long started = System.nanoTime();
        ConversationContext c = request.context();
        long seq = request.seq();
        Languages.Guess language =
                request.message() == null
                        ? Languages.Guess.UNKNOWN
                        : languages.detect(request.message().text());
        SentimentResult sentiment = sentiment(c);
        if (sentiment != null && Languages.notAnalysed(language)) {
            sentiment = unsure(sentiment, language);
        }
        PiiResult pii = pii(c, request.message());
        InsightsResult insights = Languages.stamp(insights(c, seq), language);
        SummaryResult summary = summary(c, seq);
        ReplyResult reply = c.latestCustomer() == null ? null : reply(c.latestCustomer());
        long latency = (System.nanoTime() - started) / 1_000_000;
        List<AgentRun> runs = new ArrayList<>(5);
        runs.add(run(AgentKind.SENTIMENT, seq, latency));
        runs.add(run(AgentKind.PII, seq, latency));
        runs.add(run(AgentKind.INSIGHTS, seq, latency));
        runs.add(run(AgentKind.SUMMARY, seq, latency));
        if (reply != null) {
            runs.add(run(AgentKind.REPLY, c.latestCustomerSeq(), latency));
        }
        return new AgentResults(
                request, sentiment, pii, insights, summary, reply, runs, null, null);
    }

    private static AgentRun run(AgentKind agent, long seq, long latency) {
        return new AgentRun(agent, seq, PROVIDER, MODEL, latency, 1, null);
    }

    public SentimentResult sentiment(ConversationContext c) {
        MessageSignals latest = c.latestCustomer();
        if (latest == null) {
            return new SentimentResult(
                    SentimentLabel.NEUTRAL, 0, 0.5, Emotion.NEUTRAL, "no customer messages yet");
        }
        double score = c.sentimentSum() / c.sentimentWeight();
        SentimentLabel label = label(score, latest);
        double confidence = c.cues().isEmpty() ? 0.6 : Math.min(0.95, 0.55 + Math.abs(score) * 0.4);
        String reasoning =
                c.cues().isEmpty()
                        ? "no sentiment cues in the customer's words"
                        : "customer cues: " + String.join(", ", c.cues());
        return new SentimentResult(
                label,
                LocalContextFold.round(score),
                LocalContextFold.round(confidence),
                emotion(label, latest),
                reasoning);
    }

    /** Personal data of the whole conversation, the newest message redacted. */
    public PiiResult pii(ConversationContext c, InboundMessage newest) {
        String redacted =
                newest == null ? null : Clip.marked(newest.text(), REDACTED_MESSAGE_CHARS);
        return new PiiResult(!c.entities().isEmpty(), c.entities(), redacted);
    }

    public InsightsResult insights(ConversationContext c, long seq) {
        long since = seq - window;
        int reason = -1;
        for (int i = 0; i < c.reasonSeq().length && reason < 0; i++) {
            if (within(c.reasonSeq()[i], since)) {
                reason = i;
            }
        }
        double latestMood = c.latestCustomer() == null ? 0 : c.latestCustomer().compound();
        String escalation = reason >= 0 ? MessageAnalyzer.REASONS.get(reason) : null;
        if (escalation == null && latestMood <= STRONG_ANGER) {
            escalation = "strong anger";
        }
        Intent intent = c.intent();
        Urgency urgency;
        if (reason >= 0 && reason < MessageAnalyzer.CRITICAL_REASONS) {
            urgency = Urgency.CRITICAL;
        } else if (escalation != null || within(c.urgentSeq(), since)) {
            urgency = Urgency.HIGH;
        } else if (latestMood <= -0.2 || MessageAnalyzer.problem(intent)) {
            urgency = Urgency.MEDIUM;
        } else {
            urgency = Urgency.LOW;
        }
        boolean pii = within(c.piiSeq(), since);
        return new InsightsResult(
                intent,
                urgency,
                actions(intent, escalation, pii),
                escalation != null,
                escalation,
                topics(intent, c.topicSeq(), since, pii));
    }

    /** A reading of a message in a language the offline agents do not analyse: little trust. */
    static SentimentResult unsure(SentimentResult s, Languages.Guess language) {
        return new SentimentResult(
                s.sentiment(),
                s.score(),
                Math.min(s.confidence(), UNSURE_CONFIDENCE),
                s.emotion(),
                "language '"
                        + language.language()
                        + "' is not analysed offline (only "
                        + String.join(", ", Languages.ANALYSED)
                        + "); "
                        + s.reasoning());
    }

    /** Whether a cue last seen at {@code seq} (0: never) is among the newest messages. */
    private static boolean within(long seq, long since) {
        return seq > 0 && seq > since;
    }

    public SummaryResult summary(ConversationContext c, long seq) {
        String summary;
        if (c.firstCustomerLine() == null) {
            summary = "No customer message yet (" + seq + (seq == 1 ? " message)." : " messages).");
        } else {
            summary =
                    "Customer ("
                            + INTENT_TOPICS[c.firstCustomerIntent().ordinal()]
                            + "): \""
                            + c.firstCustomerLine()
                            + "\"";
            if (c.latestCustomerSeq() != c.firstCustomerSeq()) {
                summary += " Latest: \"" + c.latestCustomerLine() + "\"";
            }
            summary += " " + seq + (seq == 1 ? " message" : " messages") + " so far.";
        }
        ResolutionStatus status =
                c.lastResolved()
                        ? ResolutionStatus.RESOLVED
                        : c.lastSender() == Sender.AGENT
                                ? ResolutionStatus.PENDING
                                : ResolutionStatus.OPEN;
        return new SummaryResult(summary, c.keyPoints(), status);
    }

    /** A reply to a customer message with these signals. */
    public ReplyResult reply(MessageSignals message) {
        Emotion emotion = emotion(label(message.compound(), message), message);
        String opening =
                switch (emotion) {
                    case ANGRY, FRUSTRATED ->
                            "I'm really sorry about this, and I understand how frustrating it is. ";
                    case ANXIOUS -> "I understand your concern, and I'm on it right away. ";
                    case DISAPPOINTED -> "I'm sorry we let you down. ";
                    case CONFUSED -> "Happy to clear this up. ";
                    case GRATEFUL, SATISFIED, NEUTRAL -> "";
                };
        String body =
                switch (message.intent()) {
                    case REFUND_REQUEST ->
                            "I'm sorry about this. I'm checking your order now and will confirm your refund options in a moment.";
                    case CANCELLATION ->
                            "I can help with that. Before I cancel, may I confirm which account or subscription you mean?";
                    case ACCOUNT_ACCESS ->
                            "Let's get you back in. I'll send a secure reset link to the e-mail on file once I've verified your identity.";
                    case BILLING ->
                            "Thanks for flagging this. I'm reviewing the charges on your account right now.";
                    case SHIPPING_DELIVERY, ORDER_STATUS ->
                            "Let me look up your order and its tracking details for you.";
                    case TECHNICAL_ISSUE ->
                            "Sorry for the trouble. Could you tell me what you see on screen, and when it started?";
                    case COMPLAINT ->
                            "I'm sorry we let you down. I want to put this right; here is what I can do.";
                    case FEEDBACK_PRAISE ->
                            "Thank you for the kind words! I'll share them with the team.";
                    case PRODUCT_QUESTION ->
                            "Good question. Let me check the product details for you.";
                    case GENERAL_INQUIRY ->
                            "Thanks for reaching out. Could you tell me a little more so I can help?";
                };
        return new ReplyResult(opening + body);
    }

    /** Positive, negative or neutral by the score; mixed when the message holds both strongly. */
    static SentimentLabel label(double score, MessageSignals latest) {
        if (latest.positive() >= MIXED_MINIMUM && latest.negative() <= -MIXED_MINIMUM) {
            return SentimentLabel.MIXED;
        }
        if (score >= LABEL_THRESHOLD) {
            return SentimentLabel.POSITIVE;
        }
        if (score <= -LABEL_THRESHOLD) {
            return SentimentLabel.NEGATIVE;
        }
        return SentimentLabel.NEUTRAL;
    }

    static Emotion emotion(SentimentLabel label, MessageSignals s) {
        boolean negative = label == SentimentLabel.NEGATIVE || label == SentimentLabel.MIXED;
        if (negative
                && (s.has(MessageSignals.EMOTION_ANGRY)
                        || s.has(MessageSignals.EMOTION_SHOUTING))) {
            return Emotion.ANGRY;
        }
        if (negative && s.has(MessageSignals.EMOTION_FRUSTRATED)) {
            return Emotion.FRUSTRATED;
        }
        if (s.has(MessageSignals.EMOTION_ANXIOUS)) {
            return Emotion.ANXIOUS;
        }
        if (negative && s.has(MessageSignals.EMOTION_DISAPPOINTED)) {
            return Emotion.DISAPPOINTED;
        }
        if (s.has(MessageSignals.EMOTION_CONFUSED)) {
            return Emotion.CONFUSED;
        }
        if (negative) {
            return Emotion.FRUSTRATED;
        }
        if (label == SentimentLabel.POSITIVE) {
            return s.has(MessageSignals.EMOTION_GRATEFUL) ? Emotion.GRATEFUL : Emotion.SATISFIED;
        }
        return Emotion.NEUTRAL;
    }

    /** Each intent's name as a topic ("order status"), by its ordinal. */
    private static final String[] INTENT_TOPICS =
            Arrays.stream(Intent.values())
                    .map(i -> i.wireName().replace('_', ' '))
                    .toArray(String[]::new);

    private static final String PII_TOPIC = "personal data shared";

    private static List<String> topics(Intent intent, long[] topicSeq, long since, boolean pii) {
        // a handful at most: a list searched in place, not a set
        List<String> topics = new ArrayList<>(4);
        topics.add(INTENT_TOPICS[intent.ordinal()]);
        for (int t = 0; t < topicSeq.length && t < MessageAnalyzer.TOPICS.length; t++) {
            if (within(topicSeq[t], since) && !topics.contains(MessageAnalyzer.TOPICS[t][1])) {
                topics.add(MessageAnalyzer.TOPICS[t][1]);
            }
        }
        if (pii && !topics.contains(PII_TOPIC)) {
            topics.add(PII_TOPIC);
        }
        return List.copyOf(topics);
    }

    private static List<String> actions(Intent intent, String escalation, boolean pii) {
        List<String> actions = new ArrayList<>(3);
        if (escalation != null) {
            actions.add("Escalate to a team lead (" + escalation + ")");
        }
        actions.add(
                switch (intent) {
                    case REFUND_REQUEST ->
                            "Check the order against the refund policy and confirm the refund amount and timeline";
                    case CANCELLATION ->
                            "Confirm what to cancel and any fees; offer a pause or retention option once";
                    case ACCOUNT_ACCESS ->
                            "Verify identity, then send a password reset or unlock the account";
                    case BILLING ->
                            "Review recent charges and the invoice with the customer; refund any duplicate";
                    case SHIPPING_DELIVERY ->
                            "Look up the shipment tracking and give a delivery estimate or reship";
                    case ORDER_STATUS ->
                            "Look up the order and share its current status and next step";
                    case TECHNICAL_ISSUE ->
                            "Collect device, version and error details; walk through troubleshooting";
                    case COMPLAINT ->
                            "Acknowledge the problem, apologise, and propose a concrete remedy";
                    case FEEDBACK_PRAISE -> "Thank the customer and pass the feedback to the team";
                    case PRODUCT_QUESTION ->
                            "Answer from the product documentation and link the product page";
                    case GENERAL_INQUIRY -> "Ask a clarifying question to understand the request";
                });
        if (pii) {
            actions.add("Remind the customer not to share payment or identity details in chat");
        }
        return List.copyOf(actions);
    }
}
