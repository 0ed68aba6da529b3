package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything known about one conversation, on the compacted topic {@code support.ai.aggregated}.
 *
 * <p>{@code version} is decided by the input, never by timing: the aggregate that reflects message
 * {@code n} has version {@code n × 1000}, and a model's answer that arrives after it raises the
 * version by one ({@code n × 1000 + 1}, ...). With the local provider every message gives exactly
 * one version. Readers keep the highest version per key, so a replayed or duplicated record never
 * moves a view backwards, and a replay after a failure republishes the same versions.
 *
 * <p>Versions count within one life of a conversation. A conversation that expired, was erased or
 * is analysed afresh by a replay starts again at version 1000, so readers order by {@code (epoch,
 * version)}: {@code epoch} is when the life began (the job's clock, epoch milliseconds), later for
 * every new life. Aggregates written before epochs existed read as epoch 0.
 *
 * @param version strictly increasing per conversation, {@code message_count × 1000 + revision}
 * @param agents per agent, which message count its part reflects, its provider, latency, attempts
 * @param sentimentTrend the sentiment score after each customer message, oldest first, at most
 *     {@link #MAX_TREND_POINTS}
 * @param epoch when this life of the conversation began; orders before {@code version}
 * @param operations response times, waiting, predicted satisfaction and effort; null on records
 *     written before they were computed
 */
@JsonPropertyOrder({"tenant_id", "conversation_id", "version", "epoch"})
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
        List<SentimentPoint> sentimentTrend,
        long epoch,
        Operations operations) {

    /** How many points of the sentiment trend the aggregate keeps: the most recent ones. */
    public static final int MAX_TREND_POINTS = 50;

    /**
     * How many personal data entities of a conversation the aggregate lists at most from each
     * detector (the local one, and a model's): the newest ones.
     */
    public static final int MAX_PII_ENTITIES = 50;

    /** Versions per message: room for the model answers that arrive after a message. */
    public static final long REVISIONS_PER_MESSAGE = 1000;

    /** Kafka header with the version (decimal), so readers can order records without parsing. */
    public static final String HEADER_VERSION = "version";

    /** Kafka header with the epoch (decimal); absent on records written before epochs. */
    public static final String HEADER_EPOCH = "epoch";

    /** Kafka header with the message count (decimal) the record reflects. */
    public static final String HEADER_MESSAGE_COUNT = "message_count";

    /** Reads aggregates written before the trend existed as having an empty one. */
    @JsonCreator
    public AggregatedIntelligence {
        sentimentTrend = sentimentTrend == null ? List.of() : List.copyOf(sentimentTrend);
    }

    /** An aggregate without operational facts. */
    public AggregatedIntelligence(
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
            List<SentimentPoint> sentimentTrend,
            long epoch) {
        this(
                tenantId,
                conversationId,
                version,
                messageCount,
                sentiment,
                pii,
                insights,
                summary,
                reply,
                agents,
                lastUpdated,
                sentimentTrend,
                epoch,
                null);
    }

    /** This aggregate with {@code operations}. */
    public AggregatedIntelligence withOperations(Operations operations) {
        return new AggregatedIntelligence(
                tenantId,
                conversationId,
                version,
                messageCount,
                sentiment,
                pii,
                insights,
                summary,
                reply,
                agents,
                lastUpdated,
                sentimentTrend,
                epoch,
                operations);
    }

    /** An aggregate of epoch 0: the first life as written before epochs existed. */
    public AggregatedIntelligence(
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
        this(
                tenantId,
                conversationId,
                version,
                messageCount,
                sentiment,
                pii,
                insights,
                summary,
                reply,
                agents,
                lastUpdated,
                sentimentTrend,
                0);
    }

    /** Whether {@code (epoch, version)} comes after {@code (otherEpoch, otherVersion)}. */
    public static boolean newer(long epoch, long version, long otherEpoch, long otherVersion) {
        return epoch != otherEpoch ? epoch > otherEpoch : version > otherVersion;
    }

    /** The version of the aggregate reflecting {@code messageCount} messages, before any answer. */
    public static long versionOf(long messageCount) {
        return messageCount * REVISIONS_PER_MESSAGE;
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
