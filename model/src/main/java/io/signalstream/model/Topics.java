package io.signalstream.model;

import java.util.List;

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

    /** Topics whose latest record per key is all that matters, so Kafka compacts them. */
    public static final List<String> COMPACTED = List.of(AI_AGGREGATED, TRANSCRIPT);

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
                    DLQ);

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
