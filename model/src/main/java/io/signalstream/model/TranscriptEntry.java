package io.signalstream.model;

import java.time.Instant;

/**
 * One message of a conversation's recent transcript on {@code support.conversations.transcript},
 * PII already redacted. The job writes each message once, under the key of its window slot, so the
 * compacted topic holds the latest {@code window} messages of every conversation.
 *
 * @param seq the conversation's message count with this message (1 for the first)
 * @param message the redacted text; a text longer than the limit ends with a clip marker
 */
public record TranscriptEntry(
        String tenantId,
        String conversationId,
        long seq,
        String messageId,
        Sender sender,
        Channel channel,
        Instant timestamp,
        String message) {

    /** The record key of slot {@code slot} of a conversation: {@code tenant/conversation#slot}. */
    public static String slotKey(String conversationKey, int slot) {
        return conversationKey + "#" + slot;
    }

    /** The slot a message with this {@code seq} occupies in a window of {@code window} messages. */
    public static int slot(long seq, int window) {
        return (int) ((seq - 1) % window);
    }

    /** The conversation key of a slot key, or null when {@code key} is not one. */
    public static String conversationKeyOf(String slotKey) {
        int hash = slotKey.lastIndexOf('#');
        return hash < 0 ? null : slotKey.substring(0, hash);
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
