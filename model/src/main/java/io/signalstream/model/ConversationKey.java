package io.signalstream.model;

import java.util.regex.Pattern;

/**
 * The Kafka key and Flink key of a conversation: {@code tenant_id/conversation_id}. All messages of
 * a conversation share it, so they stay ordered within one partition and one Flink key.
 */
public final class ConversationKey {

    /** The longest id {@link #ID_PATTERN} allows. */
    static final int MAX_ID_CHARS = 128;

    /**
     * Allowed characters for tenant, conversation and message ids; '/' is excluded so the key
     * splits cleanly, and '@' so that no e-mail address can travel in a key, a log line or a URL.
     */
    public static final Pattern ID_PATTERN =
            Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_ID_CHARS + "}");

    /** {@link #ID_PATTERN} in words, for error messages. */
    public static final String ID_RULE =
            "1 to "
                    + MAX_ID_CHARS
                    + " characters of letters, digits and . _ : - (no '@': ids must not carry"
                    + " e-mail addresses)";

    private ConversationKey() {}

    public static String of(String tenantId, String conversationId) {
        return tenantId + "/" + conversationId;
    }

    /** The tenant of {@code key}; the whole key when it has no '/' (a record not of ours). */
    public static String tenantOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    /** Whether {@code id} matches {@link #ID_PATTERN}, checked character by character. */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '.'
                            || c == '_'
                            || c == ':'
                            || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
