package io.signalstream.job.parse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.job.source.SourceRecord;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Validation;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns raw Kafka records into {@link SupportMessage}s. A record that is not JSON, not a message,
 * or breaks the validation rules goes to the dead-letter side output with the reason; the job goes
 * on.
 */
public final class ParseMessageFunction extends ProcessFunction<SourceRecord, SupportMessage> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("parse-dead-letters") {};

    private transient ObjectMapper mapper;
    private transient Counter deadLettered;

    @Override
    public void open(OpenContext openContext) {
        mapper = Json.newMapper();
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<SupportMessage> out) {
        if (record.value() == null || record.value().length == 0) {
            reject(record, "parse", "empty record value", ctx);
            return;
        }
        SupportMessage message;
        try {
            message = mapper.readValue(record.value(), SupportMessage.class);
        } catch (IOException | RuntimeException e) {
            reject(
                    record,
                    "parse",
                    "not a valid support message: " + firstLine(e.getMessage()),
                    ctx);
            return;
        }
        if (message == null) {
            reject(record, "parse", "record value is JSON null", ctx);
            return;
        }
        List<Validation.Violation> violations = Validation.check(message);
        if (!violations.isEmpty()) {
            reject(record, "validate", violations.toString(), ctx);
            return;
        }
        out.collect(message);
    }

    private void reject(SourceRecord record, String stage, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(
                DEAD_LETTERS,
                new DeadLetter(
                        record.key(),
                        record.value(),
                        reason,
                        stage,
                        record.topic(),
                        record.partition(),
                        record.offset()));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
