package io.signalstream.job.records;

import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentStatus;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How one agent answered one request: each agent keeps its own status even when one call answers
 * them all.
 *
 * @param seq the message count its result reflects
 * @param error why it failed; null when it answered (a fallback answered, with the reason here)
 */
public record AgentRun(
        AgentKind agent,
        long seq,
        String provider,
        String model,
        long latencyMs,
        int attempts,
        String error) {

    /** The model answered. */
    public static final String GEMINI = "gemini";

    /** The local agents answered because the model did not (the reason is the error). */
    public static final String LOCAL_FALLBACK = "local-fallback";

    /** The local agents answered because the tenant's token budget was spent. */
    public static final String LOCAL_BUDGET = "local-budget";

    /** The local agents answered because the message is older than the replay horizon. */
    public static final String LOCAL_REPLAY = "local-replay";

    /** Whether there is a result of this agent (it answered, or a fallback did). */
    public boolean answered() {
        return provider != null;
    }

    public AgentStatus status() {
        return new AgentStatus(seq, provider, latencyMs, attempts, error);
    }

    static void write(DataOutputView out, AgentRun r) throws IOException {
        Serde.enumValue(out, r.agent);
        out.writeLong(r.seq);
        Serde.string(out, r.provider);
        Serde.string(out, r.model);
        out.writeLong(r.latencyMs);
        out.writeInt(r.attempts);
        Serde.string(out, r.error);
    }

    static AgentRun read(DataInputView in) throws IOException {
        return new AgentRun(
                Serde.enumValue(in, AgentKind.values()),
                in.readLong(),
                Serde.string(in),
                Serde.string(in),
                in.readLong(),
                in.readInt(),
                Serde.string(in));
    }
}
