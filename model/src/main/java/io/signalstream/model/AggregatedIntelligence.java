package io.signalstream.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything known about one conversation, on the compacted topic {@code support.ai.aggregated}.
 *
 * @param version strictly increasing per conversation; readers keep the highest, so a replayed or
 *     duplicated record never moves a view backwards
 * @param agents per agent, which message count its part reflects, its provider and latency
 * @param sentimentTrend the sentiment score after each analysed message, oldest first, at most
 *     {@link #MAX_TREND_POINTS}
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
        Instant lastUpdated,
        List<SentimentPoint> sentimentTrend) {

    /** How many points of the sentiment trend the aggregate keeps: the most recent ones. */
    public static final int MAX_TREND_POINTS = 50;

    /** Reads aggregates written before the trend existed as having an empty one. */
    public AggregatedIntelligence {
        sentimentTrend = sentimentTrend == null ? List.of() : List.copyOf(sentimentTrend);
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
