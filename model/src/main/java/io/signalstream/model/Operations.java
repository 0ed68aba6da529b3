package io.signalstream.model;

import java.time.Instant;

/**
 * How a conversation is being handled, from its messages' own timestamps (event time), on each
 * aggregate as {@code operations}.
 *
 * <p>A customer waits from their first message after the last agent message (or the start) until
 * the next agent message; that wait is one response time. System messages neither start nor end a
 * wait.
 *
 * @param startedAt the conversation's earliest message
 * @param lastMessageAt its newest message
 * @param durationMs {@code lastMessageAt - startedAt}
 * @param firstResponseMs first customer message → first agent message after it; null before one
 * @param avgResponseMs the mean of all response times; null before the first
 * @param responses how many waits an agent ended
 * @param waitingSince when the customer's unanswered wait began; null when nobody waits. Waiting
 *     now is the reader's clock minus this
 * @param customerTurns how many times the customer began a wait (repeated contacts)
 * @param predictedCsat predicted satisfaction, 1 to 5
 * @param effort the customer's effort: {@code low}, {@code medium} or {@code high}
 */
public record Operations(
        Instant startedAt,
        Instant lastMessageAt,
        long durationMs,
        Long firstResponseMs,
        Long avgResponseMs,
        long responses,
        Instant waitingSince,
        long customerTurns,
        PredictedCsat predictedCsat,
        String effort) {

    /**
     * @param score 1 (very unsatisfied) to 5 (very satisfied), one decimal
     * @param confidence 0 to 1: grows with the customer messages seen and a resolution
     * @param method {@code formula} (the documented offline formula) or {@code model}
     */
    public record PredictedCsat(double score, double confidence, String method) {}
}
