package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.Fixtures;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.Channel;
import io.signalstream.model.ConversationState;
import io.signalstream.model.PiiResult;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.Sender;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmPlannerTest {

    private static final long QUIET_MS = 10_000;
    private KeyedOneInputStreamOperatorTestHarness<String, ConversationUpdate, LlmTask> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new LlmPlanner(Duration.ofMillis(QUIET_MS), 3, Duration.ofDays(1))),
                        ConversationUpdate::key,
                        Types.STRING);
        harness.open();
        harness.setProcessingTime(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static ConversationUpdate update(String conversation, long seq, Sender sender) {
        RecentMessage message =
                new RecentMessage("m" + seq, sender, "text " + seq, Channel.CHAT, Fixtures.T0);
        ConversationState state =
                new ConversationState(
                        "acme",
                        conversation,
                        seq,
                        List.of(message),
                        "m" + seq,
                        Fixtures.T0,
                        Fixtures.T0);
        return new ConversationUpdate(
                state, message, new PiiResult(false, List.of(), "text " + seq));
    }

    private List<String> planned() {
        return harness.extractOutputValues().stream()
                .map(
                        t ->
                                t.update().state().conversationId()
                                        + "#"
                                        + t.seq()
                                        + (t.analysis() ? " analysis" : " summary"))
                .toList();
    }

    @Test
    void eachCustomerMessageAsksForOneAnalysis() throws Exception {
        harness.processElement(update("c1", 1, Sender.CUSTOMER), 0);
        harness.processElement(update("c1", 2, Sender.CUSTOMER), 0);
        assertThat(planned()).containsExactly("c1#1 analysis", "c1#2 analysis");
    }

    @Test
    void agentMessagesWaitForAQuietPeriodThenRefreshTheSummaryOnce() throws Exception {
        harness.processElement(update("c1", 1, Sender.CUSTOMER), 0);
        harness.processElement(update("c1", 2, Sender.AGENT), 0);
        harness.setProcessingTime(QUIET_MS - 1);
        harness.processElement(update("c1", 3, Sender.AGENT), 0); // moves the quiet period
        harness.setProcessingTime(QUIET_MS + 1);
        assertThat(planned()).containsExactly("c1#1 analysis");

        harness.setProcessingTime(2 * QUIET_MS);
        assertThat(planned()).containsExactly("c1#1 analysis", "c1#3 summary");
        harness.setProcessingTime(10 * QUIET_MS);
        assertThat(planned()).hasSize(2);
    }

    @Test
    void aCustomerMessageCoversTheAgentMessagesBeforeIt() throws Exception {
        harness.processElement(update("c1", 1, Sender.AGENT), 0);
        harness.processElement(update("c1", 2, Sender.CUSTOMER), 0);
        harness.setProcessingTime(5 * QUIET_MS);
        assertThat(planned()).containsExactly("c1#2 analysis");
    }

    @Test
    void manyUncoveredAgentMessagesRefreshTheSummaryWithoutWaiting() throws Exception {
        for (long seq = 1; seq <= 4; seq++) {
            harness.processElement(update("c1", seq, Sender.AGENT), 0);
        }
        harness.processElement(update("c2", 1, Sender.AGENT), 0);
        assertThat(planned()).containsExactly("c1#3 summary");
    }
}
