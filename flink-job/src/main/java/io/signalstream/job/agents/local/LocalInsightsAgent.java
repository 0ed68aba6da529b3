package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.Urgency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rule-based intent, urgency, escalation and next actions from the customer's messages. Escalation
 * has a reason a team lead can act on: a legal, chargeback or cancellation threat, repeated
 * contact, a safety issue, strong anger, or an explicit request for a manager.
 */
public final class LocalInsightsAgent extends LocalAgent {

    /** A latest customer message at least this negative (compound score) counts as strong anger. */
    static final double STRONG_ANGER = -0.75;

    private static final Pattern LEGAL =
            Pattern.compile(
                    "\\b(lawyer|attorney|legal action|sue|suing|court|solicitor|ombudsman)\\b");
    private static final Pattern CHARGEBACK =
            Pattern.compile(
                    "\\b(chargeback|charge back|dispute (the|this|it)|my bank|report you|consumer protection|bbb)\\b");
    private static final Pattern CANCEL_THREAT =
            Pattern.compile(
                    "\\b((or|if|unless)\\b.{0,60}\\b(cancel\\w*|close my account|leave|leaving|switch\\w*)|switching to a competitor|i'?m (done|leaving|cancell?ing))\\b");
    private static final Pattern REPEATED =
            Pattern.compile(
                    "\\b(third|fourth|fifth|\\d+(st|nd|rd|th)) (time|email|call|message)|(three|four|five|several|many) times|again and again|over and over|how many times|keep (contacting|calling|writing|asking)|already (told|explained)|every day\\b");
    private static final Pattern SAFETY =
            Pattern.compile(
                    "\\b(fire|smoke|smoking|burn\\w*|sparks?|electric shock|shocked me|injur\\w*|hurt|unsafe|danger\\w*|overheat\\w*|exploded|gas leak)\\b");
    private static final Pattern MANAGER =
            Pattern.compile("\\b(manager|supervisor|escalate|someone senior|your boss)\\b");
    private static final Pattern URGENT =
            Pattern.compile("\\b(urgent|urgently|asap|immediately|right now|today|emergency)\\b");

    /**
     * Escalation reasons in priority order, with the pattern and a cheap word that must appear
     * first.
     */
    private static final List<String> REASONS =
            List.of(
                    "safety issue",
                    "legal threat",
                    "chargeback threat",
                    "customer asked for a manager",
                    "cancellation threat",
                    "repeated contact");

    /**
     * Words one of which must be in the text before its pattern is worth running (most texts have
     * none).
     */
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

    private static final String[] URGENT_STEMS = {
        "urgent", "asap", "immediately", "right now", "today", "emergency"
    };

    private static final List<Pattern> REASON_PATTERNS =
            List.of(SAFETY, LEGAL, CHARGEBACK, MANAGER, CANCEL_THREAT, REPEATED);

    /**
     * What one customer message says: its highest escalation reason (index, or MAX_VALUE), urgency,
     * mood.
     */
    private record Signals(int reason, boolean urgent, double mood) {}

    private static final int CACHE_SIZE = 4096;

    private final SentimentAnalyzer sentiment;
    private final Map<String, Signals> recent =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Signals> eldest) {
                    return size() > CACHE_SIZE;
                }
            };

    public LocalInsightsAgent(SentimentAnalyzer sentiment) {
        this.sentiment = sentiment;
    }

    private Signals signals(RecentMessage message) {
        return recent.computeIfAbsent(
                message.messageId() + '\u0000' + message.message(),
                k -> {
                    String lower = message.message().toLowerCase(Locale.ROOT);
                    int reason = Integer.MAX_VALUE;
                    for (int i = 0;
                            i < REASON_PATTERNS.size() && reason == Integer.MAX_VALUE;
                            i++) {
                        if (Text.containsAny(lower, REASON_STEMS.get(i))
                                && REASON_PATTERNS.get(i).matcher(lower).find()) {
                            reason = i;
                        }
                    }
                    return new Signals(
                            reason,
                            Text.containsAny(lower, URGENT_STEMS) && URGENT.matcher(lower).find(),
                            sentiment.score(message.message()).compound());
                });
    }

    @Override
    public AgentKind kind() {
        return AgentKind.INSIGHTS;
    }

    @Override
    AgentOutput compute(ConversationUpdate update) {
        List<RecentMessage> customer = Text.fromCustomer(update.state().recentMessages());
        Intent intent = Intent.GENERAL_INQUIRY;
        // The most recent customer message with a specific intent decides.
        for (int i = customer.size() - 1; i >= 0 && intent == Intent.GENERAL_INQUIRY; i--) {
            intent = IntentRules.classify(customer.get(i).message());
        }
        // Each message's signals are worked out once and cached; a conversation combines them.
        int reasonIndex = Integer.MAX_VALUE;
        boolean urgent = false;
        StringBuilder joined = new StringBuilder();
        for (RecentMessage m : customer) {
            Signals signals = signals(m);
            reasonIndex = Math.min(reasonIndex, signals.reason());
            urgent |= signals.urgent();
            joined.append(m.message()).append(" \n ");
        }
        String all = joined.toString().toLowerCase(Locale.ROOT);
        double latestMood =
                customer.isEmpty() ? 0 : signals(customer.get(customer.size() - 1)).mood();
        String escalation = reasonIndex < REASONS.size() ? REASONS.get(reasonIndex) : null;
        if (escalation == null && latestMood <= STRONG_ANGER) {
            escalation = "strong anger";
        }

        Urgency urgency;
        if (escalation != null
                && (escalation.equals("safety issue")
                        || escalation.equals("legal threat")
                        || escalation.equals("chargeback threat"))) {
            urgency = Urgency.CRITICAL;
        } else if (escalation != null || urgent) {
            urgency = Urgency.HIGH;
        } else if (latestMood <= -0.2 || problem(intent)) {
            urgency = Urgency.MEDIUM;
        } else {
            urgency = Urgency.LOW;
        }
        return new InsightsResult(
                intent,
                urgency,
                actions(intent, escalation, update),
                escalation != null,
                escalation,
                topics(intent, all, update));
    }

    private static boolean problem(Intent intent) {
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

    private static List<String> topics(Intent intent, String all, ConversationUpdate update) {
        Set<String> topics = new LinkedHashSet<>();
        topics.add(intent.wireName().replace('_', ' '));
        String[][] cues = {
            {"refund", "refund"},
            {"charge", "payment"},
            {"invoice", "invoice"},
            {"deliver", "delivery"},
            {"package", "delivery"},
            {"parcel", "delivery"},
            {"password", "login"},
            {"log in", "login"},
            {"login", "login"},
            {"app", "app"},
            {"subscription", "subscription"},
            {"damaged", "damaged item"},
            {"broken", "damaged item"},
            {"warranty", "warranty"},
            {"cancel", "cancellation"}
        };
        for (String[] cue : cues) {
            if (all.contains(cue[0])) {
                topics.add(cue[1]);
            }
        }
        if (update.pii() != null && update.pii().hasPii()) {
            topics.add("personal data shared");
        }
        return new ArrayList<>(topics);
    }

    private static List<String> actions(
            Intent intent, String escalation, ConversationUpdate update) {
        List<String> actions = new ArrayList<>();
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
        if (update.pii() != null && update.pii().hasPii()) {
            actions.add("Remind the customer not to share payment or identity details in chat");
        }
        return actions;
    }
}
