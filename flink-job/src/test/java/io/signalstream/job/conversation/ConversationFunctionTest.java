package io.signalstream.job.conversation;

import static io.signalstream.job.Fixtures.agent;
import static io.signalstream.job.Fixtures.customer;
import static io.signalstream.job.Fixtures.inbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.signalstream.job.agents.local.LocalContextFold;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.Intent;
import io.signalstream.model.Sender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keyed pass under the local provider: counts, dedupe, context, expiry, restore. */
class ConversationFunctionTest {

    static final Duration TTL = Duration.ofHours(1);
    static final ConversationSettings SETTINGS =
            new ConversationSettings(3, 200, TTL, 4, "US", 16, 50, 50);

    private KeyedOneInputStreamOperatorTestHarness<String, InboundMessage, AgentRequest> harness;

    static KeyedOneInputStreamOperatorTestHarness<String, InboundMessage, AgentRequest> harness(
            ConversationSettings settings, CallPlanner planner, boolean keepWindow)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new ConversationOperator(
                        new ConversationFunction(
                                settings, planner, new LocalContextFold(), keepWindow)),
                InboundMessage::key,
                Types.STRING);
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = harness(SETTINGS, CallPlanner.NONE, false);
        harness.open();
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private long checkpoint;

    /**
     * Keyed state entries as a checkpoint holds them: the operator writes what it keeps on the heap
     * back before each snapshot.
     */
    private int stateEntries() throws Exception {
        harness.snapshot(++checkpoint, harness.getProcessingTime());
        return harness.numKeyedStateEntries();
    }

    private List<AgentRequest> requests() {
        return harness.extractOutputValues();
    }

    @Test
    void countsEachMessageOnceEvenWhenDeliveredTwice() throws Exception {
        // Given a message delivered twice, as after a client's retry or a producer's
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "Anyone there?", 5), 0);

        // Then the duplicate asked for nothing and was not counted
        assertThat(requests()).extracting(AgentRequest::seq).containsExactly(1L, 2L);
        assertThat(requests())
                .extracting(AgentRequest::kind)
                .containsOnly(AgentRequest.Kind.MESSAGE);
        assertThat(requests().get(1).message().messageId()).isEqualTo("m2");
    }

    @Test
    void anErasureForgetsTheConversationAndTheNextMessageStartsAgain() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "My card is <CREDIT_CARD>", 1), 0);
        harness.processElement(
                InboundMessage.erase(
                        new ConversationErasure(
                                "erasure-1", "acme", "c1", Instant.parse("2026-01-01T00:00:00Z"))),
                0);
        assertThat(stateEntries()).isZero();

        harness.processElement(customer("c1", "m1", "Hello again", 2), 0);

        assertThat(requests())
                .extracting(AgentRequest::kind, AgentRequest::seq)
                .containsExactly(
                        tuple(AgentRequest.Kind.MESSAGE, 1L),
                        tuple(AgentRequest.Kind.MESSAGE, 2L),
                        tuple(AgentRequest.Kind.ERASE, 2L),
                        tuple(AgentRequest.Kind.MESSAGE, 1L));
        assertThat(requests().get(2).message().messageId()).isEqualTo("erasure-1");
    }

    @Test
    void theDedupeWindowIsBoundedByCountAndTheStateDoesNotGrow() throws Exception {
        // Given more messages than the dedupe window (4) holds, then the first one again
        for (int i = 1; i <= 6; i++) {
            harness.processElement(customer("c1", "m" + i, "message " + i, i), 0);
        }
        int entries = stateEntries();
        harness.processElement(customer("c1", "m6", "message 6", 6), 0);
        harness.processElement(customer("c1", "m1", "message 1", 1), 0);

        // Then an id among the newest four counts once; an older one is counted again, as the
        // documented window says; and the state is still one value for the conversation
        assertThat(requests())
                .extracting(AgentRequest::seq)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(stateEntries()).isEqualTo(entries).isEqualTo(1);
    }

    @Test
    void theRequestCarriesTheMessageAndACompactContextNotTheWindow() throws Exception {
        harness.processElement(customer("c1", "m1", "I want a refund, my parcel never came", 0), 0);
        harness.processElement(agent("c1", "m2", "Sorry to hear that! Checking now", 1), 0);
        harness.processElement(customer("c1", "m3", "Mail me at bob@example.org", 2), 0);

        AgentRequest last = requests().get(2);
        assertThat(last.transcript()).isEmpty();
        assertThat(last.message().text()).isEqualTo("Mail me at <EMAIL_ADDRESS>");
        assertThat(last.context().intent()).isEqualTo(Intent.REFUND_REQUEST);
        assertThat(last.context().firstCustomerLine()).contains("refund");
        assertThat(last.context().keyPoints())
                .containsExactly(
                        "customer: I want a refund, my parcel never came",
                        "agent: Sorry to hear that! Checking now",
                        "customer: Mail me at <EMAIL_ADDRESS>");
        assertThat(last.context().entities())
                .singleElement()
                .extracting(e -> e.type())
                .isEqualTo("EMAIL_ADDRESS");
        assertThat(last.context().trend()).hasSize(2); // customer messages only
    }

    @Test
    void keepsConversationsAndTenantsApart() throws Exception {
        harness.processElement(customer("c1", "m1", "one", 0), 0);
        harness.processElement(inbound("other", "c1", "m1", Sender.CUSTOMER, "other tenant", 0), 0);
        harness.processElement(customer("c2", "m1", "same id, other conversation", 0), 0);

        assertThat(requests())
                .extracting(AgentRequest::key)
                .containsExactly("acme/c1", "other/c1", "acme/c2");
        assertThat(requests()).extracting(AgentRequest::seq).containsOnly(1L);
    }

    @Test
    void aBusyConversationHasOneExpiryTimerNotOnePerMessage() throws Exception {
        for (int i = 1; i <= 50; i++) {
            harness.setProcessingTime(1_000 + i * 10L);
            harness.processElement(customer("c1", "m" + i, "message " + i, i), 0);
        }
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void anIdleConversationExpiresAndIsForgottenEntirely() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "Hello again", 0), 0);

        harness.setProcessingTime(
                1_000 + TTL.toMillis() + ConversationFunction.MAX_EXPIRY_BUCKET_MS);

        AgentRequest last = requests().get(requests().size() - 1);
        assertThat(last.kind()).isEqualTo(AgentRequest.Kind.EXPIRE);
        assertThat(last.seq()).isEqualTo(2); // the aggregator tombstones this many slots
        assertThat(stateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // and it starts again from the beginning
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        assertThat(requests().get(requests().size() - 1).seq()).isEqualTo(1);
    }

    @Test
    void aConversationActiveWhenItsTimerFiresIsKeptAndItsTimerMoved() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.setProcessingTime(1_000 + TTL.toMillis() / 2);
        harness.processElement(customer("c1", "m2", "Still there?", 0), 0);

        harness.setProcessingTime(
                1_000 + TTL.toMillis() + ConversationFunction.MAX_EXPIRY_BUCKET_MS);

        assertThat(requests())
                .extracting(AgentRequest::kind)
                .doesNotContain(AgentRequest.Kind.EXPIRE);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(stateEntries()).isEqualTo(1);
    }

    /** What each request says of its conversation (arrays by content). */
    private static String described(AgentRequest r) {
        return r.kind()
                + " "
                + r.conversationId()
                + " "
                + r.seq()
                + " "
                + r.epoch()
                + " "
                + (r.context() == null
                        ? "-"
                        : r.context().keyPoints()
                                + " "
                                + r.context().trend()
                                + " "
                                + r.context().cues()
                                + " "
                                + java.util.Arrays.toString(r.context().reasonSeq())
                                + " "
                                + r.context().times());
    }

    @Test
    void theRequestsAreTheSameWhateverTheHeapKeeps() throws Exception {
        // Three conversations in turn, duplicates among them, one expiring: with no conversation on
        // the heap, one (each evicts the one before) and all of them.
        List<List<String>> runs = new java.util.ArrayList<>();
        for (int heap : new int[] {0, 1, 16}) {
            harness.close();
            harness =
                    harness(
                            new ConversationSettings(3, 200, TTL, 4, "US", heap, 50, 50),
                            CallPlanner.NONE,
                            false);
            harness.open();
            harness.setProcessingTime(1_000);
            for (int i = 0; i < 12; i++) {
                String c = "c" + (i % 3);
                harness.processElement(customer(c, "m" + i, "I am still waiting " + i, i), 0);
                harness.processElement(agent(c, "a" + i, "Checking, sorry", i), 0);
                harness.processElement(customer(c, "m" + i, "I am still waiting " + i, i), 0);
            }
            harness.setProcessingTime(
                    1_000 + TTL.toMillis() + ConversationFunction.MAX_EXPIRY_BUCKET_MS);
            harness.processElement(customer("c1", "m0", "Hello again", 0), 0);
            runs.add(requests().stream().map(ConversationFunctionTest::described).toList());
            assertThat(stateEntries()).isEqualTo(1);
        }
        assertThat(runs.get(0)).hasSize(12 * 2 + 3 + 1);
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        assertThat(runs.get(2)).isEqualTo(runs.get(0));
    }

    @Test
    void aRestoredConversationKeepsItsCountItsDedupeAndItsPendingExpiry() throws Exception {
        // Given a conversation and a snapshot taken with its expiry timer pending
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "Hello again", 0), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000);
        harness.close();

        // When a new operator restores it
        harness = harness(SETTINGS, CallPlanner.NONE, false);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(2_000);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.processElement(customer("c1", "m2", "Hello again", 0), 0);
        harness.processElement(customer("c1", "m3", "Third", 0), 0);

        // Then the duplicate is still known, the count goes on, and the timer still fires
        assertThat(requests()).extracting(AgentRequest::seq).containsExactly(3L);
        harness.setProcessingTime(
                2_000 + TTL.toMillis() + ConversationFunction.MAX_EXPIRY_BUCKET_MS);
        assertThat(requests().get(requests().size() - 1).kind())
                .isEqualTo(AgentRequest.Kind.EXPIRE);
        assertThat(stateEntries()).isZero();
    }

    @Test
    void aMessageDatedATtlAfterThePreviousOneStartsANewLifeInALaterEpoch() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "Hello again", 10), 0);
        // A replay reads old history fast: the processing times are close, the message times not.
        harness.processElement(customer("c1", "m3", "Back a day later", 10 + 3_600), 0);

        assertThat(requests())
                .extracting(AgentRequest::kind, AgentRequest::seq)
                .containsExactly(
                        tuple(AgentRequest.Kind.MESSAGE, 1L),
                        tuple(AgentRequest.Kind.MESSAGE, 2L),
                        tuple(AgentRequest.Kind.EXPIRE, 2L),
                        tuple(AgentRequest.Kind.MESSAGE, 1L));
        long first = requests().get(0).epoch();
        assertThat(first).isPositive();
        assertThat(requests().get(1).epoch()).isEqualTo(first);
        assertThat(requests().get(2).epoch()).isEqualTo(first);
        assertThat(requests().get(3).epoch()).isGreaterThan(first);
    }

    @Test
    void theTimeTheJobWasStoppedIsNotCountedAsSilence() throws Exception {
        // Given c1, quiet for a quarter of the TTL when the job stops, and c2 just spoken
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        long epoch = requests().get(0).epoch();
        harness.setProcessingTime(1_000 + TTL.toMillis() / 4);
        harness.processElement(customer("c2", "m1", "another conversation", 0), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000 + TTL.toMillis() / 4);
        harness.close();

        // When the job comes back two TTLs later (both expiry timers long overdue)
        long restart = 1_000 + 2 * TTL.toMillis();
        harness = harness(SETTINGS, CallPlanner.NONE, false);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(restart);

        // Then both are still there: the stop is not silence
        assertThat(requests()).isEmpty();
        assertThat(stateEntries()).isEqualTo(2);

        // and c1 expires after the rest of its TTL of silence (three quarters), before c2
        harness.setProcessingTime(
                restart + TTL.toMillis() * 3 / 4 + ConversationFunction.MAX_EXPIRY_BUCKET_MS);
        assertThat(requests())
                .extracting(AgentRequest::kind, AgentRequest::key, AgentRequest::epoch)
                .containsExactly(tuple(AgentRequest.Kind.EXPIRE, "acme/c1", epoch));
        harness.setProcessingTime(
                restart + TTL.toMillis() + 2 * ConversationFunction.MAX_EXPIRY_BUCKET_MS);
        assertThat(requests()).extracting(AgentRequest::key).containsExactly("acme/c1", "acme/c2");
    }
}
