package io.signalstream.api.store;

import java.time.Instant;

/**
 * The part of an aggregate a list of conversations shows, read from the store's columns without
 * touching the aggregate itself.
 *
 * @param epoch with {@code version}, orders the conversation's aggregates (see {@link
 *     StoredAggregate})
 * @param sentimentScore null when the conversation has no sentiment yet
 * @param waitingSince since when the customer waits for an agent's answer; null when nobody waits
 */
public record Summary(
        String conversationId,
        long messageCount,
        long version,
        long epoch,
        Instant lastActivity,
        String sentiment,
        Double sentimentScore,
        String urgency,
        String intent,
        boolean requiresEscalation,
        Instant waitingSince) {}
