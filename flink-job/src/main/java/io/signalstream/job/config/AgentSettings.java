package io.signalstream.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the async operator calls a remote provider's agents.
 *
 * @param timeout {@code AGENT_TIMEOUT_MS}: a whole call with its retries and its wait for budget
 * @param capacity {@code MAX_CONCURRENT_AI_REQUESTS}: requests to the provider open at once per
 *     subtask
 * @param maxAttempts {@code AGENT_MAX_ATTEMPTS}: calls in all, the first one included
 * @param retryDelay {@code AGENT_RETRY_DELAY_MS}: the first jittered back-off
 */
public record AgentSettings(Duration timeout, int capacity, int maxAttempts, Duration retryDelay)
        implements Serializable {

    static AgentSettings read(Settings s) {
        return new AgentSettings(
                s.millis("agent-timeout-ms", "AGENT_TIMEOUT_MS", 30_000),
                s.integer("agent-capacity", "MAX_CONCURRENT_AI_REQUESTS", 50),
                s.integer("agent-max-attempts", "AGENT_MAX_ATTEMPTS", 3),
                s.millis("agent-retry-delay-ms", "AGENT_RETRY_DELAY_MS", 200));
    }

    void check() {
        Settings.require(timeout.toMillis() >= 100, "AGENT_TIMEOUT_MS must be at least 100");
        Settings.require(capacity >= 1, "MAX_CONCURRENT_AI_REQUESTS must be at least 1");
        Settings.require(maxAttempts >= 1, "AGENT_MAX_ATTEMPTS must be at least 1");
        Settings.require(retryDelay.toMillis() >= 1, "AGENT_RETRY_DELAY_MS must be at least 1");
    }
}
