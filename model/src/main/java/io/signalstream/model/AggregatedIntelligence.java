package io.signalstream.model;

import java.time.Instant;
import java.util.Map;

/**
 * Everything known about one conversation, on the compacted topic {@code support.ai.aggregated}.
 *
 * @param version strictly increasing per conversation; readers keep the highest, so a replayed or
 *     duplicated record never moves a view backwards
 * @param agents per agent, which message count its part reflects, its provider and latency
 */
public record AggregatedIntelligence(
        String tenantId,
        String conversationId,
        long version,
        long messageCount,
        SentimentResult sentiment,
        PiiResult pii,
        InsightsResult insights,
        SummaryResult summary,
        ReplyResult reply,
        Map<String, AgentStatus> agents,
        Instant lastUpdated) {

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
