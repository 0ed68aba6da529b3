package io.signalstream.job.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.agents.AgentEvent;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentResult;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Emotion;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AggregatorFunctionTest {

    private static final Duration TTL = Duration.ofHours(1);
    private KeyedOneInputStreamOperatorTestHarness<String, AgentEvent, AggregatedIntelligence>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AggregatorFunction(TTL, Duration.ZERO)),
                        AgentEvent::key,
                        Types.STRING);
        harness.open();
        harness.setProcessingTime(10_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static AgentEvent sentiment(long seq, SentimentLabel label) {
        return AgentEvent.of(
                new AgentResult(
                        "acme",
                        "c1",
                        AgentKind.SENTIMENT,
                        seq,
                        "m" + seq,
                        "local",
                        "v1",
                        3,
                        Instant.EPOCH,
                        new SentimentResult(label, 0, 0.5, Emotion.NEUTRAL, "test")));
    }

    private static AgentEvent summary(long seq, String text) {
        return AgentEvent.of(
                new AgentResult(
                        "acme",
                        "c1",
                        AgentKind.SUMMARY,
                        seq,
                        "m" + seq,
                        "local",
                        "v1",
                        3,
                        Instant.EPOCH,
                        new SummaryResult(text, List.of(), ResolutionStatus.OPEN)));
    }

    private static AgentEvent pii(long seq, String type) {
        return AgentEvent.of(
                new AgentResult(
                        "acme",
                        "c1",
                        AgentKind.PII,
                        seq,
                        "m" + seq,
                        "local",
                        "v1",
                        1,
                        Instant.EPOCH,
                        new PiiResult(
                                true,
                                List.of(new PiiEntity(type, 0, 5, "***", 0.9, "m" + seq)),
                                "<" + type + "> text " + seq)));
    }

    @Test
    void newestResultPerAgentWinsAndVersionIncreases() throws Exception {
        harness.processElement(sentiment(1, SentimentLabel.NEUTRAL), 0);
        harness.processElement(summary(1, "first"), 0);
        harness.processElement(sentiment(2, SentimentLabel.NEGATIVE), 0);

        List<AggregatedIntelligence> out = harness.extractOutputValues();
        assertThat(out).extracting(AggregatedIntelligence::version).containsExactly(1L, 2L, 3L);
        AggregatedIntelligence last = out.get(2);
        assertThat(last.sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
        assertThat(last.summary().summary()).isEqualTo("first");
        assertThat(last.messageCount()).isEqualTo(2);
        assertThat(last.agents().get("sentiment").seq()).isEqualTo(2);
        assertThat(last.agents().get("summary").seq()).isEqualTo(1);
        assertThat(last.lastUpdated()).isEqualTo(Instant.ofEpochMilli(10_000));
    }

    @Test
    void lateOlderResultNeverOverwritesNewerOne() throws Exception {
        harness.processElement(sentiment(3, SentimentLabel.NEGATIVE), 0);
        harness.processElement(sentiment(2, SentimentLabel.POSITIVE), 0);
        harness.processElement(sentiment(3, SentimentLabel.POSITIVE), 0);

        // Only the first produced an aggregate; the stale and the duplicate changed nothing
        List<AggregatedIntelligence> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
    }

    @Test
    void piiCoversTheWholeConversation() throws Exception {
        harness.processElement(pii(2, "EMAIL_ADDRESS"), 0);
        harness.processElement(pii(1, "CREDIT_CARD"), 0); // late, but its entity still counts

        AggregatedIntelligence last = harness.extractOutputValues().get(1);
        assertThat(last.pii().entities())
                .extracting(PiiEntity::type)
                .containsExactlyInAnyOrder("EMAIL_ADDRESS", "CREDIT_CARD");
        assertThat(last.pii().redactedMessage()).isEqualTo("<EMAIL_ADDRESS> text 2");
        assertThat(last.agents().get("pii").seq()).isEqualTo(2);
        assertThat(last.version()).isEqualTo(2);
    }

    @Test
    void idleAggregateExpiresAndLeavesATombstone() throws Exception {
        harness.processElement(sentiment(1, SentimentLabel.NEUTRAL), 0);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);

        harness.setProcessingTime(10_000 + TTL.toMillis());

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.getSideOutput(AggregatorFunction.EXPIRED))
                .extracting(StreamRecord::getValue)
                .containsExactly("acme/c1");
    }

    @Test
    void changesWithinTheEmitIntervalGoOutAsOneVersion() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, AgentEvent, AggregatedIntelligence>
                coalescing =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new KeyedProcessOperator<>(
                                        new AggregatorFunction(TTL, Duration.ofMillis(20))),
                                AgentEvent::key,
                                Types.STRING)) {
            coalescing.open();
            coalescing.setProcessingTime(1_000);
            // Given the agents' results for message 1 arriving within the interval
            coalescing.processElement(sentiment(1, SentimentLabel.NEUTRAL), 0);
            coalescing.processElement(summary(1, "first"), 0);
            coalescing.setProcessingTime(1_019);
            assertThat(coalescing.extractOutputValues()).isEmpty();

            // Then they leave together as version 1 once the interval is over
            coalescing.setProcessingTime(1_020);
            List<AggregatedIntelligence> out = coalescing.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).version()).isEqualTo(1);
            assertThat(out.get(0).agents()).containsOnlyKeys("sentiment", "summary");
            assertThat(out.get(0).lastUpdated()).isEqualTo(Instant.ofEpochMilli(1_020));

            // And a later result starts a new interval and a new version
            coalescing.processElement(sentiment(2, SentimentLabel.NEGATIVE), 0);
            coalescing.setProcessingTime(1_100);
            out = coalescing.extractOutputValues();
            assertThat(out).extracting(AggregatedIntelligence::version).containsExactly(1L, 2L);
            assertThat(out.get(1).sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
        }
    }
}
