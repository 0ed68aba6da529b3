package io.signalstream.model;

import java.util.regex.Pattern;

/**
 * The Kafka key and Flink key of a conversation: {@code tenant_id/conversation_id}. All messages of
 * a conversation share it, so they stay ordered within one partition and one Flink key.
 */
public final class ConversationKey {

    /**
     * Allowed characters for tenant and conversation ids; '/' is excluded so the key splits
     * cleanly.
     */
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private ConversationKey() {}

    public static String of(String tenantId, String conversationId) {
        return tenantId + "/" + conversationId;
    }

    public static boolean isValidId(String id) {
        return id != null && ID_PATTERN.matcher(id).matches();
    }
}
