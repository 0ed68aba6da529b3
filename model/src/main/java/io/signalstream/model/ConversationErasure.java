package io.signalstream.model;

import java.time.Instant;

/**
 * A request to erase a conversation everywhere, as the API writes it to {@code
 * support.messages.raw} (under the conversation's key, so it follows the conversation's earlier
 * messages in order) with the header {@link #HEADER_CONTROL}{@code =}{@link #CONTROL_ERASE}.
 *
 * @param erasureId the id the API answered with; the audit records carry it
 */
public record ConversationErasure(
        String erasureId, String tenantId, String conversationId, Instant requestedAt) {

    /** Marks a record on the raw topic as a control record rather than a message. */
    public static final String HEADER_CONTROL = "signalstream.control";

    public static final String CONTROL_ERASE = "erase";

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
