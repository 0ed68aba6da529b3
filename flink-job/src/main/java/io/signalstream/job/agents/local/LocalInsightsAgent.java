package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.Urgency;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rule-based intent, urgency, escalation and next actions from the customer's messages. */
public final class LocalInsightsAgent extends LocalAgent {

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
        String all =
                String.join(" ", customer.stream().map(RecentMessage::message).toList())
                        .toLowerCase(Locale.ROOT);

        String escalation = null;
        if (Text.containsAny(all, "lawyer", "legal action", "sue ", "attorney", "court")) {
            escalation = "legal threat";
        } else if (Text.containsAny(all, "chargeback", "dispute the charge", "report you to")) {
            escalation = "chargeback threat";
        } else if (Text.containsAny(all, "manager", "supervisor", "escalate")) {
            escalation = "customer asked for a manager";
        } else if (Text.containsAny(
                all, "third time", "again and again", "keep contacting", "contacted you three")) {
            escalation = "repeated contact";
        } else if (Text.containsAny(all, "fire", "injur", "unsafe", "smoke", "danger")) {
            escalation = "safety issue";
        }

        Urgency urgency;
        if (escalation != null && !escalation.equals("repeated contact")) {
            urgency = Urgency.CRITICAL;
        } else if (Text.containsAny(
                all, "urgent", "asap", "immediately", "right now", "unacceptable", "furious")) {
            urgency = Urgency.HIGH;
        } else if (intent == Intent.FEEDBACK_PRAISE
                || intent == Intent.PRODUCT_QUESTION
                || intent == Intent.GENERAL_INQUIRY) {
            urgency = escalation == null ? Urgency.LOW : Urgency.MEDIUM;
        } else {
            urgency = Urgency.MEDIUM;
        }

        List<String> topics = new ArrayList<>();
        topics.add(intent.wireName().replace('_', ' '));
        if (update.pii().hasPii()) {
            topics.add("personal data shared");
        }
        return new InsightsResult(
                intent,
                urgency,
                actions(intent, escalation),
                escalation != null,
                escalation,
                topics);
    }

    private static List<String> actions(Intent intent, String escalation) {
        List<String> actions = new ArrayList<>();
        if (escalation != null) {
            actions.add("Escalate to a team lead (" + escalation + ")");
        }
        actions.add(
                switch (intent) {
                    case REFUND_REQUEST ->
                            "Check the order against the refund policy and confirm the refund amount";
                    case CANCELLATION ->
                            "Confirm the cancellation request and offer retention options";
                    case ACCOUNT_ACCESS -> "Verify identity and send a password reset link";
                    case BILLING -> "Review the invoice and recent charges with the customer";
                    case SHIPPING_DELIVERY ->
                            "Look up the shipment tracking and give a delivery estimate";
                    case ORDER_STATUS -> "Look up the order and share its current status";
                    case TECHNICAL_ISSUE ->
                            "Collect error details and walk through troubleshooting steps";
                    case COMPLAINT -> "Acknowledge the problem, apologise, and propose a remedy";
                    case FEEDBACK_PRAISE -> "Thank the customer and pass the feedback to the team";
                    case PRODUCT_QUESTION -> "Answer from the product documentation";
                    case GENERAL_INQUIRY -> "Ask a clarifying question to understand the request";
                });
        return actions;
    }
}
