package io.signalstream.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.job.source.SourceRecord;
import io.signalstream.model.SupportMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseMessageFunctionTest {

    private static SourceRecord record(long offset, String json) {
        return new SourceRecord(
                "support.messages.raw",
                0,
                offset,
                0,
                "acme/c1".getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void goodRecordsPassAndBadOnesAreDeadLetteredWithTheirReason() throws Exception {
        try (OneInputStreamOperatorTestHarness<SourceRecord, SupportMessage> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new ParseMessageFunction())) {
            harness.processElement(
                    record(
                            1,
                            """
                    {"message_id":"m1","tenant_id":"acme","conversation_id":"c1","sender":"customer",
                     "message":"hi","channel":"chat","timestamp":"2026-01-01T00:00:00Z","metadata":{}}"""),
                    0);
            harness.processElement(record(2, "{not json"), 0);
            harness.processElement(
                    record(
                            3,
                            """
                    {"message_id":"m2","tenant_id":"acme","conversation_id":"c/1","sender":"customer",
                     "message":"","channel":"chat","timestamp":"2026-01-01T00:00:00Z"}"""),
                    0);
            harness.processElement(
                    record(
                            4,
                            """
                    {"message_id":"m3","tenant_id":"acme","conversation_id":"c1","sender":"robot",
                     "message":"x","channel":"chat","timestamp":"2026-01-01T00:00:00Z"}"""),
                    0);
            harness.processElement(record(5, null), 0);

            assertThat(harness.extractOutputValues())
                    .extracting(SupportMessage::messageId)
                    .containsExactly("m1");
            List<DeadLetter> dead =
                    harness.getSideOutput(ParseMessageFunction.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(dead).extracting(DeadLetter::sourceOffset).containsExactly(2L, 3L, 4L, 5L);
            assertThat(dead.get(0).stage()).isEqualTo("parse");
            assertThat(dead.get(1).stage()).isEqualTo("validate");
            assertThat(dead.get(1).reason()).contains("conversation_id", "message");
            assertThat(dead.get(2).reason()).contains("robot");
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
                    .isEqualTo("{not json");
            assertThat(dead.get(3).reason()).contains("empty");
        }
    }
}
