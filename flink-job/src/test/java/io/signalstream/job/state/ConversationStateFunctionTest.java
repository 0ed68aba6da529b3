package io.signalstream.job.state;

import static io.signalstream.job.Fixtures.customer;
import static io.signalstream.job.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.ConversationState;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.Sender;
import io.signalstream.model.SupportMessage;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConversationStateFunctionTest {

    private static final Duration TTL = Duration.ofHours(1);
    private KeyedOneInputStreamOperatorTestHarness<String, SupportMessage, ConversationUpdate>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ConversationStateFunction(3, TTL, "US")),
                        SupportMessage::key,
                        Types.STRING);
        harness.open();
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void countsEachMessageOnceEvenWhenDeliveredTwice() throws Exception {
        // Given a message delivered twice, as after a producer retry or a replay
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.processElement(customer("c1", "m2", "Anyone there?", 5), 0);

        // Then the duplicate produced no update and was not counted
        List<ConversationUpdate> updates = harness.extractOutputValues();
        assertThat(updates).extracting(ConversationUpdate::seq).containsExactly(1L, 2L);
        ConversationState last = updates.get(1).state();
        assertThat(last.messageCount()).isEqualTo(2);
        assertThat(last.lastMessageId()).isEqualTo("m2");
        assertThat(last.startedAt()).isEqualTo(io.signalstream.job.Fixtures.T0);
        assertThat(last.lastActivity()).isEqualTo(io.signalstream.job.Fixtures.T0.plusSeconds(5));
    }

    @Test
    void keepsOnlyTheConfiguredWindowOfRecentMessages() throws Exception {
        for (int i = 1; i <= 5; i++) {
            harness.processElement(customer("c1", "m" + i, "message " + i, i), 0);
        }

        ConversationState last = harness.extractOutputValues().get(4).state();
        assertThat(last.messageCount()).isEqualTo(5);
        assertThat(last.recentMessages())
                .extracting(RecentMessage::messageId)
                .containsExactly("m3", "m4", "m5");
    }

    @Test
    void keepsConversationsApart() throws Exception {
        harness.processElement(customer("c1", "m1", "one", 0), 0);
        harness.processElement(
                message("other-tenant", "c1", "m1", Sender.CUSTOMER, "same ids, other tenant", 0),
                0);
        harness.processElement(customer("c2", "m1", "same id, other conversation", 0), 0);

        assertThat(harness.extractOutputValues())
                .extracting(ConversationUpdate::seq)
                .containsExactly(1L, 1L, 1L);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(3);
    }

    @Test
    void storesRedactedTextAndPassesWhatWasFound() throws Exception {
        harness.processElement(
                customer(
                        "c1", "m1", "Mail me at jane.doe@example.com, card 4111 1111 1111 1111", 0),
                0);

        ConversationUpdate update = harness.extractOutputValues().get(0);
        assertThat(update.state().recentMessages().get(0).message())
                .isEqualTo("Mail me at <EMAIL_ADDRESS>, card <CREDIT_CARD>")
                .doesNotContain("jane.doe", "4111");
        assertThat(update.pii().entities())
                .extracting(e -> e.type())
                .containsExactly("EMAIL_ADDRESS", "CREDIT_CARD");
    }

    @Test
    void forgetsAnIdleConversationAfterTheTtl() throws Exception {
        harness.processElement(customer("c1", "m1", "Hello", 0), 0);
        harness.setProcessingTime(2_000);
        harness.processElement(customer("c1", "m2", "Hello again", 1), 0);

        // One timer per conversation: the second message replaced the first timer
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);

        // Not yet idle for the whole TTL after the last message
        harness.setProcessingTime(1_000 + TTL.toMillis());
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);

        harness.setProcessingTime(2_000 + TTL.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // A message after expiry starts the conversation afresh, and its id is not a duplicate any
        // more
        harness.processElement(customer("c1", "m2", "Back after a long time", 2), 0);
        assertThat(harness.extractOutputValues())
                .extracting(ConversationUpdate::seq)
                .containsExactly(1L, 2L, 1L);
    }
}
