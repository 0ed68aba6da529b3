package io.signalstream.model;

import java.time.Instant;
import java.util.Map;

/** One message of a support conversation, as written to {@code support.messages.raw}. */
public record SupportMessage(
        String messageId,
        String tenantId,
        String conversationId,
        Sender sender,
        String message,
        Channel channel,
        Instant timestamp,
        Map<String, String> metadata) {

    /** The conversation's Kafka and Flink key. */
    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
