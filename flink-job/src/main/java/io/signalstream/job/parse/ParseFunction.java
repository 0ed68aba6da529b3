package io.signalstream.job.parse;

import io.signalstream.job.agents.local.MessageAnalyzer;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.PiiResult;
import io.signalstream.model.SupportMessage;
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
    private transient MessageParser parser;
    private transient PiiDetector pii;
    private transient MessageAnalyzer analyzer;
    private transient Counter deadLettered;

    /**
     * @param phoneRegion region of phone numbers written without a country code, e.g. US
     */
    public ParseFunction(String phoneRegion) {
        this.phoneRegion = phoneRegion;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new MessageParser();
        pii = new PiiDetector(phoneRegion);
        analyzer = new MessageAnalyzer();
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<InboundMessage> out) {
        MessageParser.Parsed parsed = parser.parse(record.value());
        if (!parsed.ok()) {
            reject(record, parsed.stage(), parsed.reason(), ctx);
            return;
        }
        InboundMessage inbound;
        try {
            inbound = inbound(parsed.message(), pii, analyzer);
        } catch (RuntimeException e) {
            reject(
                    record,
                    "analyse",
                    "the message could not be analysed: " + e.getClass().getSimpleName(),
                    ctx);
            return;
        }
        out.collect(inbound);
    }

    /** {@code m} with its personal data found and redacted and its signals read. */
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
                analyzer.analyze(redacted));
    }

    private void reject(SourceRecord record, String stage, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(DEAD_LETTERS, Outputs.deadLetter(record, reason, stage));
    }
}
