package io.signalstream.api.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.signalstream.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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

    private static final JsonFactory JSON = Json.newMapper().getFactory();

    /**
     * Reads the digest's fields in one streaming pass (the store does this for every version it
     * writes; binding the whole aggregate cost a fifth of the store's writing).
     */
    static AggregateDigest parse(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "an aggregate is a JSON object");
            }
            String tenant = null;
            String conversation = null;
            long version = 0;
            long messages = 0;
            Instant updated = null;
            Sentiment sentiment = null;
            Insights insights = null;
            Summary summary = null;
            Operations operations = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "tenant_id" -> tenant = text(p);
                    case "conversation_id" -> conversation = text(p);
                    case "version" -> version = p.getValueAsLong();
                    case "message_count" -> messages = p.getValueAsLong();
                    case "last_updated" -> updated = instant(p);
                    case "sentiment" ->
                            sentiment = value == JsonToken.START_OBJECT ? sentiment(p) : skip(p);
                    case "insights" ->
                            insights = value == JsonToken.START_OBJECT ? insights(p) : skip(p);
                    case "summary" ->
                            summary = value == JsonToken.START_OBJECT ? summary(p) : skip(p);
                    case "operations" ->
                            operations = value == JsonToken.START_OBJECT ? operations(p) : skip(p);
                    default -> p.skipChildren();
                }
            }
            return new AggregateDigest(
                    tenant,
                    conversation,
                    version,
                    messages,
                    updated,
                    sentiment,
                    insights,
                    summary,
                    operations);
        }
    }

    /** The {@code message} of a transcript slot's JSON; null when it has none. */
    static String message(byte[] slot) throws IOException {
        try (JsonParser p = JSON.createParser(slot)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "a transcript slot is a JSON object");
            }
            String message = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("message")) {
                    message = text(p);
                } else {
                    p.skipChildren();
                }
            }
            return message;
        }
    }

    private static Sentiment sentiment(JsonParser p) throws IOException {
        String label = null;
        Double score = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "sentiment" -> label = text(p);
                case "score" -> score = p.currentToken().isNumeric() ? p.getDoubleValue() : null;
                default -> p.skipChildren();
            }
        }
        return new Sentiment(label, score);
    }

    private static Insights insights(JsonParser p) throws IOException {
        String intent = null;
        String urgency = null;
        boolean escalation = false;
        String reason = null;
        List<String> topics = null;
        List<String> actions = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "intent" -> intent = text(p);
                case "urgency" -> urgency = text(p);
                case "requires_escalation" -> escalation = p.currentToken() == JsonToken.VALUE_TRUE;
                case "escalation_reason" -> reason = text(p);
                case "topics" -> topics = texts(p);
                case "suggested_actions" -> actions = texts(p);
                default -> p.skipChildren();
            }
        }
        return new Insights(intent, urgency, escalation, reason, topics, actions);
    }

    private static Summary summary(JsonParser p) throws IOException {
        String text = null;
        List<String> points = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "summary" -> text = text(p);
                case "key_points" -> points = texts(p);
                default -> p.skipChildren();
            }
        }
        return new Summary(text, points);
    }

    private static Operations operations(JsonParser p) throws IOException {
        Instant waiting = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("waiting_since")) {
                waiting = instant(p);
            } else {
                p.skipChildren();
            }
        }
        return new Operations(waiting);
    }

    /** A scalar as text; null for JSON null, an object or an array (skipped). */
    private static String text(JsonParser p) throws IOException {
        if (p.currentToken().isScalarValue() && p.currentToken() != JsonToken.VALUE_NULL) {
            return p.getValueAsString();
        }
        p.skipChildren();
        return null;
    }

    /** The texts of an array; null when the value is not one. */
    private static List<String> texts(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String t = text(p);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** An ISO-8601 instant, or epoch seconds as a number; null for JSON null. */
    private static Instant instant(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            try {
                return Instant.parse(p.getText());
            } catch (DateTimeParseException e) {
                throw new JsonParseException(p, "not an instant: " + p.getText(), e);
            }
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return Instant.ofEpochSecond(p.getLongValue());
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            return Instant.ofEpochMilli(Math.round(p.getDoubleValue() * 1000));
        }
        p.skipChildren();
        return null;
    }

    /** Skips an object's or array's value; the part it held is read as absent. */
    private static <T> T skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
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
