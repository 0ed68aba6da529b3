package io.signalstream.api.store;

import com.fasterxml.jackson.databind.ObjectReader;
import io.signalstream.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The fields of an aggregate the store filters, sorts and searches on; the rest of the JSON is
 * skipped when read. Wire names are kept as text: a value a newer job adds is stored, not refused.
 */
record AggregateDigest(
        String tenantId,
        String conversationId,
        long version,
        long messageCount,
        Instant lastUpdated,
        Sentiment sentiment,
        Insights insights,
        Summary summary,
        Operations operations) {

    /** Since when the customer waits for an answer; null when nobody waits (or not computed). */
    record Operations(Instant waitingSince) {}

    record Sentiment(String sentiment, Double score) {}

    record Insights(
            String intent,
            String urgency,
            boolean requiresEscalation,
            String escalationReason,
            List<String> topics,
            List<String> suggestedActions) {}

    record Summary(String summary, List<String> keyPoints) {}

    private static final ObjectReader READER = Json.newMapper().readerFor(AggregateDigest.class);

    static AggregateDigest parse(byte[] json) throws IOException {
        return READER.readValue(json);
    }

    /** The searchable text: summary, key points, topics, actions and the escalation reason. */
    void appendText(StringBuilder out) {
        if (summary != null) {
            append(out, summary.summary());
            if (summary.keyPoints() != null) {
                summary.keyPoints().forEach(p -> append(out, p));
            }
        }
        if (insights != null) {
            append(out, insights.escalationReason());
            if (insights.topics() != null) {
                insights.topics().forEach(t -> append(out, t));
            }
            if (insights.suggestedActions() != null) {
                insights.suggestedActions().forEach(a -> append(out, a));
            }
        }
    }

    static void append(StringBuilder out, String text) {
        if (text != null && !text.isBlank()) {
            out.append(text).append('\n');
        }
    }
}
