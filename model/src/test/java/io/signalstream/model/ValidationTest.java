package io.signalstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationTest {

    private static CreateMessageRequest request(String conversationId, String messageId) {
        return new CreateMessageRequest(
                conversationId, Sender.CUSTOMER, "hi", Channel.CHAT, messageId, null, Map.of());
    }

    @Test
    void idsMayNotCarryAnEmailAddress() {
        assertThat(Validation.check(request("jane.doe@example.com", null)))
                .extracting(Validation.Violation::field)
                .containsExactly("conversation_id");
        assertThat(Validation.check(request("order-42", "msg@example.com")))
                .extracting(Validation.Violation::field)
                .containsExactly("message_id");
        assertThat(Validation.check(request("order-42.chat:7_a", "m-1"))).isEmpty();
    }

    @Test
    void aMessageReadFromKafkaWithSuchAnIdBreaksTheRules() {
        SupportMessage fromKafka =
                new SupportMessage(
                        "m1",
                        "acme",
                        "jane@example.com",
                        Sender.CUSTOMER,
                        "hi",
                        Channel.CHAT,
                        Instant.now(),
                        Map.of());
        assertThat(Validation.check(fromKafka))
                .singleElement()
                .satisfies(v -> assertThat(v.problem()).contains("no '@'"));
    }
}
