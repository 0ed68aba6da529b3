package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One entry on {@code support.audit}, under the conversation's key: who asked for what, and what
 * the job did. Kept for the audit topic's retention (a year by default), never compacted.
 *
 * @param event {@link #ERASURE_REQUESTED} (written by the API when it accepts the request) or
 *     {@link #ERASURE_DONE} (written by the job once state, aggregate and transcript are removed)
 * @param messages {@code erasure_done}: how many messages the job's state counted; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
        String event,
        String erasureId,
        String tenantId,
        String conversationId,
        Instant at,
        Long messages) {

    public static final String ERASURE_REQUESTED = "erasure_requested";
    public static final String ERASURE_DONE = "erasure_done";

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
