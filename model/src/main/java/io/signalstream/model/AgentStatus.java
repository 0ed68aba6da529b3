package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

/**
 * How fresh an agent's part of the aggregate is and how it came about.
 *
 * @param seq the message count its part reflects
 * @param provider who answered: {@code local}, {@code gemini}, {@code local-fallback}, ...
 * @param latencyMs how long the agent took for that message
 * @param attempts calls made for it (retries included); 1 for the local agents
 * @param error why the newest attempt failed, when the part is older than the message count; null
 *     when the agent answered
 */
public record AgentStatus(
        long seq,
        String provider,
        long latencyMs,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int attempts,
        String error) {

    /** A status of an agent that answered at the first attempt. */
    public AgentStatus(long seq, String provider, long latencyMs) {
        this(seq, provider, latencyMs, 1, null);
    }

    /** Reads statuses written before attempts were recorded as one attempt. */
    public AgentStatus {
        attempts = Math.max(1, attempts);
    }
}
