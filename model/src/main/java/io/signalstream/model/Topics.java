package io.signalstream.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Kafka topic names, fixed by the design. A deployment may prefix them all (see {@link #prefixed}).
 */
public final class Topics {

    public static final String MESSAGES_RAW = "support.messages.raw";

    /**
     * The redacted recent transcript: one compacted record per window slot of a conversation (key
     * {@code tenant/conversation#slot}), so a message writes one record however long the window.
     */
    public static final String TRANSCRIPT = "support.conversations.transcript";

    public static final String AI_SENTIMENT = "support.ai.sentiment";
    public static final String AI_PII = "support.ai.pii";
    public static final String AI_INSIGHTS = "support.ai.insights";
    public static final String AI_SUMMARY = "support.ai.summary";
    public static final String AI_REPLY = "support.ai.reply";
    public static final String AI_AGGREGATED = "support.ai.aggregated";
    public static final String DLQ = "support.dlq";

    /** Erasure requests and their completion ({@link AuditEvent}). */
    public static final String AUDIT = "support.audit";

    /**
     * Each tenant's alert rules, key {@code tenant/rule-id}, the rule's JSON as value (a tombstone
     * deletes it): written by the API ({@code PUT /v1/rules/{id}}), read back by it at start.
     */
    public static final String RULES = "support.rules";

    /**
     * Alerts the job raises when a rule fires ({@link Alert}), key {@code tenant/conversation}:
     * read by the API's alert feed and its webhook deliveries.
     */
    public static final String ALERTS = "support.alerts";

    /**
     * Each tenant's webhooks, key {@code tenant/webhook-id}, the webhook's JSON (url, secret) as
     * value: written by the API ({@code PUT /v1/webhooks/{id}}), read back by every instance.
     */
    public static final String WEBHOOKS = "support.webhooks";

    /** Every webhook delivery attempt, key {@code tenant/webhook-id}: the delivery log. */
    public static final String WEBHOOK_DELIVERIES = "support.webhooks.deliveries";

    /**
     * Each tenant's analytics buckets (a minute, an hour or a day of event time), key {@code
     * tenant/granularity/start}, the bucket's JSON as {@code GET /v1/analytics} answers it: written
     * by the job each time a bucket changes, so the latest record per key is the bucket.
     */
    public static final String ANALYTICS = "support.analytics";

    /**
     * The model's answers (redacted), key {@code tenant/conversation#seq#prompt#model}: written by
     * the job's model calls as they are answered, read back when a subtask starts, so a restart,
     * rescale or replay re-uses what was paid for. Compacted and deleted after a day.
     */
    public static final String LLM_ANSWERS = "support.llm.answers";

    /**
     * Topics whose latest record per key is all that matters, so Kafka compacts them. Those also in
     * {@link #RETENTION} are compacted and deleted after it.
     */
    public static final List<String> COMPACTED =
            List.of(AI_AGGREGATED, TRANSCRIPT, RULES, WEBHOOKS, ANALYTICS, LLM_ANSWERS);

    /**
     * How long the topics that hold unredacted text (the raw messages and dead letters, which keep
     * a rejected record as it came) and the audit trail keep records, when created by the product.
     * The raw topic's retention is also how far back a rebuild of the job's state can reach.
     */
    public static final Map<String, Duration> RETENTION =
            Map.of(
                    MESSAGES_RAW, Duration.ofDays(7),
                    DLQ, Duration.ofDays(7),
                    AUDIT, Duration.ofDays(365),
                    ALERTS, Duration.ofDays(7),
                    WEBHOOK_DELIVERIES, Duration.ofDays(7),
                    ANALYTICS, Duration.ofDays(90),
                    LLM_ANSWERS, Duration.ofDays(1));

    /** Every topic the product reads or writes. */
    public static final List<String> ALL =
            List.of(
                    MESSAGES_RAW,
                    TRANSCRIPT,
                    AI_SENTIMENT,
                    AI_PII,
                    AI_INSIGHTS,
                    AI_SUMMARY,
                    AI_REPLY,
                    AI_AGGREGATED,
                    DLQ,
                    AUDIT,
                    RULES,
                    ALERTS,
                    WEBHOOKS,
                    WEBHOOK_DELIVERIES,
                    ANALYTICS,
                    LLM_ANSWERS);

    private Topics() {}

    /** The topic an agent's results go to: {@code support.ai.<agent>}. */
    public static String forAgent(AgentKind agent) {
        return "support.ai." + agent.wireName();
    }

    /** A topic name with an optional deployment prefix (empty prefix leaves it unchanged). */
    public static String prefixed(String prefix, String topic) {
        return prefix == null || prefix.isEmpty() ? topic : prefix + topic;
    }
}
