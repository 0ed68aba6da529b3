package io.signalstream.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.Fixtures;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.Intent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParseFunctionTest {

    private OneInputStreamOperatorTestHarness<SourceRecord, InboundMessage> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ParseFunction("US", null)));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(long offset, String value) throws Exception {
        harness.processElement(
                new SourceRecord(
                        "support.messages.raw",
                        1,
                        offset,
                        0,
                        "k".getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)),
                0);
    }

    private List<SinkRecord> rejected() {
        var side = harness.getSideOutput(ParseFunction.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(r -> r.getValue()).toList();
    }

    @Test
    void aValidMessageLeavesRedactedWithItsFindingsAndSignals() throws Exception {
        send(
                7,
                Fixtures.json(
                        "acme",
                        "c1",
                        "m1",
                        "customer",
                        "I want a refund! Card 4111 1111 1111 1111, mail bob@example.org"));

        InboundMessage m = harness.extractOutputValues().get(0);
        assertThat(m.key()).isEqualTo("acme/c1");
        assertThat(m.text())
                .isEqualTo("I want a refund! Card <CREDIT_CARD>, mail <EMAIL_ADDRESS>")
                .doesNotContain("4111", "bob@");
        assertThat(m.pii())
                .extracting(e -> e.type())
                .containsExactly("CREDIT_CARD", "EMAIL_ADDRESS");
        assertThat(m.signals().intent()).isEqualTo(Intent.REFUND_REQUEST);
        assertThat(rejected()).isEmpty();
    }

    private void control(long offset, String control, String value) throws Exception {
        harness.processElement(
                new SourceRecord(
                        "support.messages.raw",
                        0,
                        offset,
                        0,
                        "acme/c1".getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8),
                        List.of(SinkRecord.Header.of(ConversationErasure.HEADER_CONTROL, control))),
                0);
    }

    @Test
    void anErasureRequestPassesAsSuchAndABrokenOneIsDeadLettered() throws Exception {
        control(
                1,
                "erase",
                "{\"erasure_id\":\"e-1\",\"tenant_id\":\"acme\",\"conversation_id\":\"c1\","
                        + "\"requested_at\":\"2026-01-15T10:00:00Z\"}");
        control(2, "erase", "{\"erasure_id\":\"e-2\",\"tenant_id\":\"acme\"}");
        control(3, "shutdown", "{}");

        InboundMessage erase = harness.extractOutputValues().get(0);
        assertThat(erase.isErase()).isTrue();
        assertThat(erase.key()).isEqualTo("acme/c1");
        assertThat(erase.messageId()).isEqualTo("e-1");
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(rejected())
                .extracting(
                        l -> l.header(Outputs.HEADER_STAGE) + " " + l.header(Outputs.HEADER_OFFSET))
                .containsExactly("control 2", "control 3");
    }

    @Test
    void aDeadLetterKeepsTheRecordsOwnHeadersFirst() throws Exception {
        harness.processElement(
                new SourceRecord(
                        "support.messages.raw",
                        0,
                        9,
                        0,
                        "k".getBytes(StandardCharsets.UTF_8),
                        "not json".getBytes(StandardCharsets.UTF_8),
                        List.of(
                                SinkRecord.Header.of("traceparent", "00-abc-01"),
                                SinkRecord.Header.of("origin", "chat-widget"))),
                0);
        SinkRecord letter = rejected().get(0);
        assertThat(letter.headers())
                .extracting(SinkRecord.Header::name)
                .startsWith("traceparent", "origin")
                .contains(Outputs.HEADER_REASON, Outputs.HEADER_OFFSET);
        assertThat(letter.header("origin")).isEqualTo("chat-widget");
        assertThat(letter.header(Outputs.HEADER_OFFSET)).isEqualTo("9");
    }

    @Test
    void badRecordsGoToTheDeadLettersWithTheReasonAndWhereTheyCameFrom() throws Exception {
        send(1, null);
        send(2, "not json");
        send(3, "null");
        send(4, Fixtures.json("acme", "bad/id", "m1", "customer", "slash in the id"));
        send(5, Fixtures.json("acme", "c1", "m1", "robot", "unknown sender"));

        assertThat(harness.extractOutputValues()).isEmpty();
        List<SinkRecord> letters = rejected();
        assertThat(letters)
                .extracting(l -> l.header(Outputs.HEADER_OFFSET))
                .containsExactly("1", "2", "3", "4", "5");
        assertThat(letters)
                .extracting(l -> l.header(Outputs.HEADER_STAGE))
                .containsExactly("parse", "parse", "parse", "validate", "parse");
        assertThat(letters)
                .allSatisfy(
                        l -> {
                            assertThat(l.header(Outputs.HEADER_REASON)).isNotBlank();
                            assertThat(l.header(Outputs.HEADER_TOPIC))
                                    .isEqualTo("support.messages.raw");
                            assertThat(l.keyText()).isEqualTo("k");
                        });
        assertThat(new String(letters.get(1).value(), StandardCharsets.UTF_8))
                .isEqualTo("not json");
        assertThat(letters.get(3).header(Outputs.HEADER_REASON)).contains("conversation_id");
    }
}
