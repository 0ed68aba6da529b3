package io.signalstream.job.agents.gemini;

import io.signalstream.job.records.AgentResults;
import java.io.Serializable;
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
        implements AsyncRetryStrategy<AgentResults> {

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
    public AsyncRetryPredicate<AgentResults> getRetryPredicate() {
        return new OnFailedOutcome();
    }

    /** Retries attempts that failed without a result; exceptions never reach the operator. */
    private static final class OnFailedOutcome implements AsyncRetryPredicate<AgentResults> {
        private static final Predicate<Collection<AgentResults>> FAILED =
                new RetryOnFailedAttempt();

        @Override
        public Optional<Predicate<Collection<AgentResults>>> resultPredicate() {
            return Optional.of(FAILED);
        }

        @Override
        public Optional<Predicate<Throwable>> exceptionPredicate() {
            return Optional.empty();
        }
    }

    /** Tells the retry strategy to call again when the attempt failed. */
    static final class RetryOnFailedAttempt
            implements Predicate<Collection<AgentResults>>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean test(Collection<AgentResults> results) {
            return results.stream().anyMatch(AgentResults::retryable);
        }
    }
}
