package io.signalstream.model;

import java.time.Instant;
import java.util.List;

/**
 * A conversation as the job keeps it, written to {@code support.conversations.state} after each new
 * message.
 *
 * @param messageCount distinct messages seen (a message delivered twice counts once)
 * @param recentMessages a bounded window of the latest messages, oldest first, PII redacted
 */
public record ConversationState(
        String tenantId,
        String conversationId,
        long messageCount,
        List<RecentMessage> recentMessages,
        String lastMessageId,
        Instant startedAt,
        Instant lastActivity) {

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
