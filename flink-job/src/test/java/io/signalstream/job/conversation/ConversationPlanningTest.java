package io.signalstream.job.conversation;

import static io.signalstream.job.Fixtures.agent;
import static io.signalstream.job.Fixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.agents.gemini.GeminiPlanner;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.TranscriptLine;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keyed pass under a model provider: when a model is asked, and with which window. */
class ConversationPlanningTest {

    private static final long QUIET_MS = 10_000;
    private static final ConversationSettings SETTINGS =
            new ConversationSettings(3, 200, Duration.ofDays(1), 64, "US", 16, 50, 50);

    private KeyedOneInputStreamOperatorTestHarness<String, InboundMessage, AgentRequest> harness;

    private static KeyedOneInputStreamOperatorTestHarness<String, InboundMessage, AgentRequest>
            newHarness() throws Exception {
        return ConversationFunctionTest.harness(
                SETTINGS, new GeminiPlanner(Duration.ofMillis(QUIET_MS), 3), true);
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
        harness.setProcessingTime(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** The model calls asked for, as {@code conversation#seq kind}. */
    private List<String> calls() {
        return harness.extractOutputValues().stream()
                .filter(r -> r.kind().modelCall())
                .map(r -> r.conversationId() + "#" + r.seq() + " " + r.kind().name().toLowerCase())
                .toList();
    }

    @Test
    void eachCustomerMessageAsksForOneAnalysisBesideItsMessage() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "Where is my order?", 1), 0);
        assertThat(calls()).containsExactly("c1#1 analysis", "c1#2 analysis");
        assertThat(harness.extractOutputValues())
                .extracting(AgentRequest::kind)
                .containsExactly(
                        AgentRequest.Kind.MESSAGE,
                        AgentRequest.Kind.ANALYSIS,
                        AgentRequest.Kind.MESSAGE,
                        AgentRequest.Kind.ANALYSIS);
    }

    @Test
    void agentMessagesWaitForAQuietPeriodThenRefreshTheSummaryOnce() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(agent("c1", "m2", "Hi! How can I help?", 1), 0);
        harness.setProcessingTime(QUIET_MS - 1);
        harness.processElement(agent("c1", "m3", "Are you still there?", 2), 0); // moves it
        harness.setProcessingTime(QUIET_MS + 1);
        assertThat(calls()).containsExactly("c1#1 analysis");

        harness.setProcessingTime(2 * QUIET_MS);
        assertThat(calls()).containsExactly("c1#1 analysis", "c1#3 summary");
        harness.setProcessingTime(10 * QUIET_MS);
        assertThat(calls()).hasSize(2);
    }

    @Test
    void aCustomerMessageCoversTheAgentMessagesBeforeIt() throws Exception {
        harness.processElement(agent("c1", "m1", "Welcome!", 0), 0);
        harness.processElement(customer("c1", "m2", "Hi", 1), 0);
        harness.setProcessingTime(5 * QUIET_MS);
        assertThat(calls()).containsExactly("c1#2 analysis");
    }

    @Test
    void manyUncoveredAgentMessagesRefreshTheSummaryWithoutWaiting() throws Exception {
        for (int seq = 1; seq <= 4; seq++) {
            harness.processElement(agent("c1", "m" + seq, "note " + seq, seq), 0);
        }
        harness.processElement(agent("c2", "m1", "note", 0), 0);
        assertThat(calls()).containsExactly("c1#3 summary");
    }

    @Test
    void theModelReadsTheBoundedWindowWithLongLinesClipped() throws Exception {
        String longText = "x".repeat(1_000);
        for (int seq = 1; seq <= 5; seq++) {
            harness.processElement(
                    agent("c1", "m" + seq, seq == 4 ? longText : "line " + seq, seq), 0);
        }
        harness.processElement(customer("c1", "m6", "So?", 6), 0);

        AgentRequest analysis =
                harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
        assertThat(analysis.kind()).isEqualTo(AgentRequest.Kind.ANALYSIS);
        assertThat(analysis.transcript())
                .extracting(TranscriptLine::seq)
                .containsExactly(4L, 5L, 6L);
        assertThat(analysis.transcript().get(0).text())
                .hasSizeLessThan(260)
                .endsWith("[800 more characters]");
    }

    @Test
    void aPendingQuietPeriodSurvivesARestore() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(agent("c1", "m2", "Hi!", 1), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 0);
        harness.close();

        harness = newHarness();
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(2 * QUIET_MS);

        assertThat(calls()).containsExactly("c1#2 summary");
        assertThat(harness.extractOutputValues().get(0).transcript())
                .extracting(TranscriptLine::seq)
                .containsExactly(1L, 2L);
    }
}
