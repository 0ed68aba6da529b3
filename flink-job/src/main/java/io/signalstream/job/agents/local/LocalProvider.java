package io.signalstream.job.agents.local;

import io.signalstream.job.agents.AgentProvider;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.conversation.CallPlanner;
import io.signalstream.job.conversation.ContextFold;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The offline provider: one ordered async call per message answers every agent at once; no model,
 * no planner, no window in state, and nothing for the aggregator to keep.
 */
public final class LocalProvider implements AgentProvider {
    private static final long serialVersionUID = 1L;

    /**
     * Requests in the async operator at once. The local agents answer on the task thread, so this
     * only bounds the queue between an answer and its emission.
     */
    static final int CAPACITY = 100;

    private final ConversationSettings settings;
    private final String otlpEndpoint;

    /**
     * @param otlpEndpoint where the agents' spans go; null for none
     */
    public LocalProvider(ConversationSettings settings, String otlpEndpoint) {
        this.settings = settings;
        this.otlpEndpoint = otlpEndpoint;
    }

    @Override
    public CallPlanner planner() {
        return CallPlanner.NONE;
    }

    @Override
    public ContextFold contextFold() {
        return new LocalContextFold(settings.piiEntities(), settings.trendPoints());
    }

    @Override
    public boolean keepsWindow() {
        return false;
    }

    @Override
    public boolean modelParts() {
        return false;
    }

    /**
     * Ordered, so the aggregator sees a conversation's answers in message order; no timeout (the
     * agents cannot hang) and no retries (they are deterministic: a retry would fail the same way).
     */
    @Override
    public SingleOutputStreamOperator<AgentResults> attach(DataStream<AgentRequest> requests) {
        return AsyncDataStream.orderedWait(
                        requests,
                        new LocalCallFunction(settings.window(), otlpEndpoint),
                        0,
                        TimeUnit.MILLISECONDS,
                        CAPACITY)
                .uid(UID)
                .name("agents (local)");
    }
}
