package io.signalstream.job.agents;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.flink.streaming.api.functions.async.AsyncRetryPredicate;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;

/**
 * Retries failed agent outcomes with exponential back-off and jitter: the n-th retry waits a random
 * time between half and all of {@code initialDelay * 2^(n-1)}, capped at {@code maxDelay}, so
 * subtasks that failed together (a model's 429, a broker restart) do not all come back at once.
 *
 * @param maxAttempts calls in all, the first one included
 */
public record JitteredBackoff(int maxAttempts, long initialDelayMs, long maxDelayMs)
        implements AsyncRetryStrategy<AgentOutcome> {

    public JitteredBackoff {
        if (maxAttempts < 1 || initialDelayMs < 1 || maxDelayMs < initialDelayMs) {
            throw new IllegalArgumentException(
                    "need maxAttempts >= 1 and 1 <= initialDelayMs <= maxDelayMs");
        }
    }

    /** {@code attemptsSoFar} calls were made and the last one failed. */
    @Override
    public boolean canRetry(int attemptsSoFar) {
        return attemptsSoFar < maxAttempts;
    }

    @Override
    public long getBackoffTimeMillis(int attemptsSoFar) {
        long ceiling = ceiling(attemptsSoFar);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** The most the wait after {@code attemptsSoFar} calls can be. */
    long ceiling(int attemptsSoFar) {
        int doublings = Math.min(Math.max(attemptsSoFar - 1, 0), 30);
        return Math.min(maxDelayMs, initialDelayMs << doublings);
    }

    @Override
    public AsyncRetryPredicate<AgentOutcome> getRetryPredicate() {
        return new OnFailedOutcome();
    }

    /** Retries outcomes without a result; exceptions never reach the operator. */
    private static final class OnFailedOutcome implements AsyncRetryPredicate<AgentOutcome> {
        private static final Predicate<Collection<AgentOutcome>> FAILED =
                new RetryOnFailedOutcome();

        @Override
        public Optional<Predicate<Collection<AgentOutcome>>> resultPredicate() {
            return Optional.of(FAILED);
        }

        @Override
        public Optional<Predicate<Throwable>> exceptionPredicate() {
            return Optional.empty();
        }
    }
}
