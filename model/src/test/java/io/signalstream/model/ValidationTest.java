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
    void theIdCheckAgreesWithItsPattern() {
        java.util.Random random = new java.util.Random(3);
        String symbols = "aZ09._:-@/ é\u0000\n";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder id = new StringBuilder();
            int length = random.nextInt(n % 50 == 0 ? 140 : 12);
            for (int i = 0; i < length; i++) {
                id.append(symbols.charAt(random.nextInt(symbols.length())));
            }
            String text = id.toString();
            assertThat(ConversationKey.isValidId(text))
                    .as(text)
                    .isEqualTo(ConversationKey.ID_PATTERN.matcher(text).matches());
        }
        assertThat(ConversationKey.isValidId("a".repeat(128))).isTrue();
        assertThat(ConversationKey.isValidId("a".repeat(129))).isFalse();
        assertThat(ConversationKey.isValidId(null)).isFalse();
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
