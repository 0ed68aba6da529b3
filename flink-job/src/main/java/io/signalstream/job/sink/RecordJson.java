package io.signalstream.job.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.signalstream.model.AgentStatus;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Json;
import io.signalstream.model.Operations;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.TranscriptEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes the two records the job writes for every message, the aggregate and the transcript slot,
 * field by field with Jackson's streaming generator: the same JSON the model's mapper writes (a
 * test compares them), without reflection, and with scores of three decimals written directly. Not
 * thread-safe: one per operator instance.
 */
final class RecordJson {

    private final JsonFactory factory = Json.newMapper().getFactory();
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(4096);
    private final char[] digits = new char[32];
    private Instant lastInstant;
    private String lastInstantText;

    byte[] aggregate(AggregatedIntelligence a) {
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeStringField("tenant_id", a.tenantId());
            g.writeStringField("conversation_id", a.conversationId());
            g.writeNumberField("version", a.version());
            g.writeNumberField("epoch", a.epoch());
            g.writeNumberField("message_count", a.messageCount());
            sentiment(g, a.sentiment());
            pii(g, a.pii());
            insights(g, a.insights());
            summary(g, a.summary());
            reply(g, a.reply());
            agents(g, a.agents());
            instant(g, "last_updated", a.lastUpdated());
            g.writeArrayFieldStart("sentiment_trend");
            for (SentimentPoint p : a.sentimentTrend()) {
                g.writeStartObject();
                g.writeNumberField("seq", p.seq());
                g.writeFieldName("score");
                decimal(g, p.score());
                g.writeEndObject();
            }
            g.writeEndArray();
            operations(g, a.operations());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes();
    }

    private void operations(JsonGenerator g, Operations o) throws IOException {
        if (o == null) {
            g.writeNullField("operations");
            return;
        }
        g.writeObjectFieldStart("operations");
        instant(g, "started_at", o.startedAt());
        instant(g, "last_message_at", o.lastMessageAt());
        g.writeNumberField("duration_ms", o.durationMs());
        longOrNull(g, "first_response_ms", o.firstResponseMs());
        longOrNull(g, "avg_response_ms", o.avgResponseMs());
        g.writeNumberField("responses", o.responses());
        instant(g, "waiting_since", o.waitingSince());
        g.writeNumberField("customer_turns", o.customerTurns());
        if (o.predictedCsat() == null) {
            g.writeNullField("predicted_csat");
        } else {
            g.writeObjectFieldStart("predicted_csat");
            g.writeFieldName("score");
            decimal(g, o.predictedCsat().score());
            g.writeFieldName("confidence");
            decimal(g, o.predictedCsat().confidence());
            g.writeStringField("method", o.predictedCsat().method());
            g.writeEndObject();
        }
        g.writeStringField("effort", o.effort());
        g.writeEndObject();
    }

    private static void longOrNull(JsonGenerator g, String field, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value.longValue());
        }
    }

    byte[] transcript(TranscriptEntry e) {
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeStringField("tenant_id", e.tenantId());
            g.writeStringField("conversation_id", e.conversationId());
            g.writeNumberField("seq", e.seq());
            g.writeStringField("message_id", e.messageId());
            g.writeStringField("sender", e.sender() == null ? null : e.sender().wireName());
            g.writeStringField("channel", e.channel() == null ? null : e.channel().wireName());
            instant(g, "timestamp", e.timestamp());
            g.writeStringField("message", e.message());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes();
    }

    private JsonGenerator generator() throws IOException {
        buffer.reset();
        return factory.createGenerator(buffer);
    }

    private byte[] bytes() {
        return buffer.toByteArray();
    }

    private void sentiment(JsonGenerator g, SentimentResult s) throws IOException {
        if (s == null) {
            g.writeNullField("sentiment");
            return;
        }
        g.writeObjectFieldStart("sentiment");
        g.writeStringField("sentiment", s.sentiment() == null ? null : s.sentiment().wireName());
        g.writeFieldName("score");
        decimal(g, s.score());
        g.writeFieldName("confidence");
        decimal(g, s.confidence());
        g.writeStringField("emotion", s.emotion() == null ? null : s.emotion().wireName());
        g.writeStringField("reasoning", s.reasoning());
        g.writeEndObject();
    }

    private void pii(JsonGenerator g, PiiResult p) throws IOException {
        if (p == null) {
            g.writeNullField("pii");
            return;
        }
        g.writeObjectFieldStart("pii");
        g.writeBooleanField("has_pii", p.hasPii());
        g.writeArrayFieldStart("entities");
        for (PiiEntity e : p.entities()) {
            g.writeStartObject();
            g.writeStringField("type", e.type());
            g.writeNumberField("start", e.start());
            g.writeNumberField("end", e.end());
            g.writeStringField("masked", e.masked());
            g.writeFieldName("confidence");
            decimal(g, e.confidence());
            g.writeStringField("message_id", e.messageId());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("redacted_message", p.redactedMessage());
        g.writeEndObject();
    }

    private void insights(JsonGenerator g, InsightsResult i) throws IOException {
        if (i == null) {
            g.writeNullField("insights");
            return;
        }
        g.writeObjectFieldStart("insights");
        g.writeStringField("intent", i.intent() == null ? null : i.intent().wireName());
        g.writeStringField("urgency", i.urgency() == null ? null : i.urgency().wireName());
        strings(g, "suggested_actions", i.suggestedActions());
        g.writeBooleanField("requires_escalation", i.requiresEscalation());
        g.writeStringField("escalation_reason", i.escalationReason());
        strings(g, "topics", i.topics());
        if (i.language() != null) {
            g.writeStringField("language", i.language());
            g.writeNumberField("language_confidence", i.languageConfidence());
        }
        g.writeEndObject();
    }

    private void summary(JsonGenerator g, SummaryResult s) throws IOException {
        if (s == null) {
            g.writeNullField("summary");
            return;
        }
        g.writeObjectFieldStart("summary");
        g.writeStringField("summary", s.summary());
        strings(g, "key_points", s.keyPoints());
        g.writeStringField(
                "resolution_status",
                s.resolutionStatus() == null ? null : s.resolutionStatus().wireName());
        if (s.satisfaction() != null) {
            g.writeObjectFieldStart("satisfaction");
            g.writeFieldName("csat");
            decimal(g, s.satisfaction().csat());
            g.writeFieldName("confidence");
            decimal(g, s.satisfaction().confidence());
            g.writeStringField("effort", s.satisfaction().effort());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void reply(JsonGenerator g, ReplyResult r) throws IOException {
        if (r == null) {
            g.writeNullField("reply");
            return;
        }
        g.writeObjectFieldStart("reply");
        g.writeStringField("suggested_reply", r.suggestedReply());
        g.writeEndObject();
    }

    private void agents(JsonGenerator g, Map<String, AgentStatus> agents) throws IOException {
        if (agents == null) {
            g.writeNullField("agents");
            return;
        }
        g.writeObjectFieldStart("agents");
        for (Map.Entry<String, AgentStatus> e : agents.entrySet()) {
            AgentStatus s = e.getValue();
            g.writeObjectFieldStart(e.getKey());
            g.writeNumberField("seq", s.seq());
            g.writeStringField("provider", s.provider());
            g.writeNumberField("latency_ms", s.latencyMs());
            g.writeNumberField("attempts", s.attempts());
            g.writeStringField("error", s.error());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String field, List<String> values)
            throws IOException {
        if (values == null) {
            g.writeNullField(field);
            return;
        }
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Instants as ISO-8601, the last one's text kept: most records share the millisecond. */
    private void instant(JsonGenerator g, String field, Instant value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
            return;
        }
        if (!value.equals(lastInstant)) {
            lastInstant = value;
            lastInstantText = value.toString();
        }
        g.writeStringField(field, lastInstantText);
    }

    /**
     * A number with a decimal point, as Jackson writes a double. Values of at most three decimals
     * (the scores and confidences the agents round) are written directly; others as Jackson would.
     */
    private void decimal(JsonGenerator g, double v) throws IOException {
        long thousandths = Math.round(v * 1000);
        if (Math.abs(v) >= 1e6 || Math.abs(thousandths - v * 1000) > 1e-7 || v == 0 && 1 / v < 0) {
            g.writeNumber(v);
            return;
        }
        int at = digits.length;
        long abs = Math.abs(thousandths);
        long fraction = abs % 1000;
        long whole = abs / 1000;
        if (fraction == 0) {
            digits[--at] = '0';
        } else {
            int width = 3;
            while (fraction % 10 == 0) {
                fraction /= 10;
                width--;
            }
            for (int i = 0; i < width; i++) {
                digits[--at] = (char) ('0' + fraction % 10);
                fraction /= 10;
            }
        }
        digits[--at] = '.';
        do {
            digits[--at] = (char) ('0' + whole % 10);
            whole /= 10;
        } while (whole > 0);
        if (thousandths < 0) {
            digits[--at] = '-';
        }
        g.writeNumber(digits, at, digits.length - at);
    }
}
