package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A rule fired on a conversation, on {@code support.alerts} (key {@code tenant/conversation}, so a
 * conversation's alerts stay in order). Its {@code id} is derived from the rule (and the version of
 * it that fired), the conversation and the trigger, never from timing: a replay or a restart raises
 * the same id again, and every reader (the feed, webhook deliveries) keeps one per id.
 *
 * @param trigger what the rule was judged on: {@code message} (an aggregate version), {@code
 *     waiting} (the customer's wait reached the rule's duration) or {@code backfill}
 * @param triggeredAt the time of the trigger: the message's time or the wait's deadline
 * @param webhooks the webhooks the rule delivers this alert to
 */
@JsonPropertyOrder({"id", "rule_id", "tenant_id", "conversation_id", "severity", "triggered_at"})
public record Alert(
        String id,
        String ruleId,
        String ruleName,
        String tenantId,
        String conversationId,
        String severity,
        Instant triggeredAt,
        long aggregateVersion,
        long epoch,
        long messageCount,
        String trigger,
        boolean backfill,
        List<String> webhooks) {

    public static final String TRIGGER_MESSAGE = "message";
    public static final String TRIGGER_WAITING = "waiting";
    public static final String TRIGGER_BACKFILL = "backfill";

    public Alert {
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    }

    /**
     * The alert id: 32 hex characters of SHA-256 over the tenant, the rule and the time it was last
     * written, the conversation, and the trigger (e.g. {@code message:<epoch>:<version>}).
     */
    public static String id(
            String tenantId,
            String ruleId,
            long ruleUpdatedAt,
            String conversationId,
            String trigger) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String identity =
                    String.join(
                            "\u0000",
                            tenantId,
                            ruleId,
                            Long.toString(ruleUpdatedAt),
                            conversationId,
                            trigger);
            byte[] digest = sha.digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The Kafka key: the conversation's, so its alerts keep their order. */
    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
