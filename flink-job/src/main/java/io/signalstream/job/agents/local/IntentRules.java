package io.signalstream.job.agents.local;

import io.signalstream.model.Intent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Keyword rules for intent, tried in order; the first rule with a hit wins. */
final class IntentRules {

    private static final Map<Intent, List<String>> RULES = new LinkedHashMap<>();

    static {
        RULES.put(Intent.REFUND_REQUEST, List.of("refund", "money back", "reimburse"));
        RULES.put(
                Intent.CANCELLATION,
                List.of("cancel", "unsubscribe", "close my account", "terminate"));
        RULES.put(
                Intent.ACCOUNT_ACCESS,
                List.of("password", "log in", "login", "locked out", "sign in", "2fa", "reset my"));
        RULES.put(
                Intent.BILLING,
                List.of(
                        "charged",
                        "invoice",
                        "billing",
                        "bill ",
                        "payment",
                        "subscription fee",
                        "overcharged"));
        RULES.put(
                Intent.SHIPPING_DELIVERY,
                List.of("delivery", "shipping", "shipped", "package", "courier", "arrive"));
        RULES.put(
                Intent.ORDER_STATUS,
                List.of("order status", "where is my order", "my order", "tracking", "order #"));
        RULES.put(
                Intent.TECHNICAL_ISSUE,
                List.of(
                        "error",
                        "crash",
                        "bug",
                        "not working",
                        "doesn't work",
                        "broken",
                        "won't load",
                        "fails"));
        RULES.put(
                Intent.COMPLAINT,
                List.of("complain", "unacceptable", "terrible service", "worst", "disgusted"));
        RULES.put(
                Intent.FEEDBACK_PRAISE,
                List.of(
                        "great job",
                        "love your",
                        "thank you so much",
                        "amazing service",
                        "well done"));
        RULES.put(
                Intent.PRODUCT_QUESTION,
                List.of(
                        "does it",
                        "does the",
                        "is it compatible",
                        "how do i",
                        "can i use",
                        "which model",
                        "features"));
    }

    private IntentRules() {}

    static Intent classify(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (Map.Entry<Intent, List<String>> rule : RULES.entrySet()) {
            for (String keyword : rule.getValue()) {
                if (lower.contains(keyword)) {
                    return rule.getKey();
                }
            }
        }
        return Intent.GENERAL_INQUIRY;
    }
}
