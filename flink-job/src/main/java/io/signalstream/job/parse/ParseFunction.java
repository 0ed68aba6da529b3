package io.signalstream.job.parse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.SpanKind;
import io.signalstream.job.agents.local.MessageAnalyzer;
import io.signalstream.job.config.JobTracing;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import io.signalstream.model.PiiResult;
import io.signalstream.model.Sender;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Traceparent;
import io.signalstream.model.Tracing;
import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The stateless stage before the one network exchange: reads and validates each raw record, finds
 * and redacts its personal data, and reads its local signals. Raw personal data never crosses the
 * exchange. A record that is not a valid message, or that the analysis cannot handle, goes to the
 * dead-letter side output with the reason; the job goes on.
 */
public final class ParseFunction extends ProcessFunction<SourceRecord, InboundMessage> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<SinkRecord> DEAD_LETTERS =
            new OutputTag<>("parse-dead-letters") {};

    private final String phoneRegion;
    private final String otlpEndpoint;
    private transient Tracing tracing;
    private transient MessageParser parser;
    private transient PiiDetector pii;
    private transient MessageAnalyzer analyzer;
    private transient Counter deadLettered;
    private transient ObjectMapper controls;

    /**
     * @param phoneRegion region of phone numbers written without a country code, e.g. US
     * @param otlpEndpoint where the ingest spans go; null for none
     */
    public ParseFunction(String phoneRegion, String otlpEndpoint) {
        this.phoneRegion = phoneRegion;
        this.otlpEndpoint = otlpEndpoint;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new MessageParser();
        pii = new PiiDetector(phoneRegion);
        analyzer = new MessageAnalyzer();
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
        controls = Json.newMapper();
        tracing = JobTracing.acquire(otlpEndpoint);
    }

    @Override
    public void close() {
        tracing = JobTracing.release(otlpEndpoint, tracing);
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<InboundMessage> out) {
        String control = record.header(ConversationErasure.HEADER_CONTROL);
        if (control != null) {
            control(record, control, ctx, out);
            return;
        }
        Tracing.Span span =
                tracing.start("ingest", SpanKind.CONSUMER, record.header(Traceparent.HEADER));
        MessageParser.Parsed parsed = parser.parse(record.value());
        if (!parsed.ok()) {
            span.failed(parsed.stage() + ": " + parsed.reason()).end();
            reject(record, parsed.stage(), parsed.reason(), ctx);
            return;
        }
        InboundMessage inbound;
        try {
            inbound = inbound(parsed.message(), pii, analyzer).withTraceparent(span.traceparent());
        } catch (RuntimeException e) {
            span.failed("analyse: " + e.getClass().getSimpleName()).end();
            reject(
                    record,
                    "analyse",
                    "the message could not be analysed: " + e.getClass().getSimpleName(),
                    ctx);
            return;
        }
        span.set(Tracing.TENANT, inbound.tenantId())
                .set(Tracing.CONVERSATION, inbound.conversationId())
                .set(Tracing.MESSAGE, inbound.messageId())
                .end();
        out.collect(inbound);
    }

    /** A control record: an erasure request, else a dead letter saying what is wrong. */
    private void control(
            SourceRecord record, String control, Context ctx, Collector<InboundMessage> out) {
        if (!ConversationErasure.CONTROL_ERASE.equals(control)) {
            reject(record, "control", "unknown control record '" + clip(control) + "'", ctx);
            return;
        }
        ConversationErasure erasure;
        try {
            erasure = controls.readValue(record.value(), ConversationErasure.class);
        } catch (IOException | RuntimeException e) {
            reject(record, "control", "an erasure request that is not valid JSON", ctx);
            return;
        }
        if (erasure == null
                || !ConversationKey.isValidId(erasure.tenantId())
                || !ConversationKey.isValidId(erasure.conversationId())
                || !ConversationKey.isValidId(erasure.erasureId())
                || erasure.requestedAt() == null) {
            reject(
                    record,
                    "control",
                    "an erasure request needs valid erasure_id, tenant_id, conversation_id and"
                            + " requested_at",
                    ctx);
            return;
        }
        out.collect(InboundMessage.erase(erasure));
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /**
     * {@code m} with its personal data found and redacted and its signals read: all of them for the
     * customer's messages, only what the conversation reads of the others.
     */
    public static InboundMessage inbound(
            SupportMessage m, PiiDetector pii, MessageAnalyzer analyzer) {
        PiiResult found = pii.detect(m.message(), m.messageId());
        String redacted = found.redactedMessage();
        return new InboundMessage(
                m.tenantId(),
                m.conversationId(),
                m.messageId(),
                m.sender(),
                m.channel(),
                m.timestamp(),
                redacted,
                found.entities(),
                m.sender() == Sender.CUSTOMER
                        ? analyzer.analyze(redacted)
                        : analyzer.analyzeReply(redacted));
    }

    private void reject(SourceRecord record, String stage, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(DEAD_LETTERS, Outputs.deadLetter(record, reason, stage));
    }
}
