package io.signalstream.job.config;

import io.signalstream.model.AggregatedIntelligence;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * How the job keeps each conversation: everything it holds per conversation is bounded by these.
 *
 * @param window {@code RECENT_WINDOW}: messages kept in the transcript (one compacted record per
 *     slot) and, for a model, in state; also how far back escalation and topic cues count
 * @param windowLineChars {@code WINDOW_LINE_CHARS}: a message longer than this is clipped, with a
 *     marker, in the window a model reads; the window holds at most {@code window × this}
 *     characters
 * @param ttl {@code CONVERSATION_TTL}: idle time after which a conversation is forgotten and its
 *     records removed from the compacted topics
 * @param dedupeWindow {@code DEDUPE_WINDOW}: a message id seen among the conversation's newest this
 *     many messages counts once
 * @param phoneRegion {@code PII_PHONE_REGION}: region of phone numbers written without a country
 *     code
 * @param heapConversations {@code HEAP_CONVERSATIONS}: per subtask, the most recently active
 *     conversations whose state lives on the heap: their messages neither read nor write RocksDB,
 *     which gets a conversation's state when it leaves the heap and before each snapshot (0: none).
 *     A conversation's state is a few KB, at most about 12 KB
 * @param piiEntities {@code AGGREGATE_PII_ENTITIES}: the personal data entities an aggregate lists
 *     for its conversation, the newest (1 to 50); with the trend, what sets an aggregate's size on
 *     a long conversation (an entity is ~125 bytes of JSON)
 * @param trendPoints {@code AGGREGATE_TREND_POINTS}: the points of an aggregate's sentiment trend,
 *     the newest (1 to 50; ~27 bytes each)
 */
public record ConversationSettings(
        int window,
        int windowLineChars,
        Duration ttl,
        int dedupeWindow,
        String phoneRegion,
        int heapConversations,
        int piiEntities,
        int trendPoints)
        implements Serializable {

    static final int DEFAULT_HEAP_CONVERSATIONS = 4_096;

    static ConversationSettings read(Settings s) {
        return new ConversationSettings(
                s.integer("recent-window", "RECENT_WINDOW", 20),
                s.integer("window-line-chars", "WINDOW_LINE_CHARS", 2_000),
                s.duration("conversation-ttl", "CONVERSATION_TTL", "P7D"),
                s.integer("dedupe-window", "DEDUPE_WINDOW", 64),
                s.text("phone-region", "PII_PHONE_REGION", "US").toUpperCase(Locale.ROOT),
                s.integer("heap-conversations", "HEAP_CONVERSATIONS", DEFAULT_HEAP_CONVERSATIONS),
                s.integer(
                        "aggregate-pii-entities",
                        "AGGREGATE_PII_ENTITIES",
                        AggregatedIntelligence.MAX_PII_ENTITIES),
                s.integer(
                        "aggregate-trend-points",
                        "AGGREGATE_TREND_POINTS",
                        AggregatedIntelligence.MAX_TREND_POINTS));
    }

    void check() {
        Settings.require(
                window >= 1 && window <= 1_000, "RECENT_WINDOW must be between 1 and 1000");
        Settings.require(
                windowLineChars >= 100 && windowLineChars <= 16_000,
                "WINDOW_LINE_CHARS must be between 100 and 16000");
        Settings.require(
                !ttl.isNegative() && !ttl.isZero(), "CONVERSATION_TTL must be a positive duration");
        Settings.require(
                dedupeWindow >= 1 && dedupeWindow <= 4_096,
                "DEDUPE_WINDOW must be between 1 and 4096");
        Settings.require(
                heapConversations >= 0 && heapConversations <= 100_000,
                "HEAP_CONVERSATIONS must be between 0 and 100000");
        Settings.require(
                piiEntities >= 1 && piiEntities <= AggregatedIntelligence.MAX_PII_ENTITIES,
                "AGGREGATE_PII_ENTITIES must be between 1 and "
                        + AggregatedIntelligence.MAX_PII_ENTITIES);
        Settings.require(
                trendPoints >= 1 && trendPoints <= AggregatedIntelligence.MAX_TREND_POINTS,
                "AGGREGATE_TREND_POINTS must be between 1 and "
                        + AggregatedIntelligence.MAX_TREND_POINTS);
    }
}
