package io.signalstream.job;

import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.job.sink.Sinks;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationState;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.CloseableIterator;

/**
 * Collects every output of a bounded pipeline run back to the test through Flink's collect sinks.
 */
final class CollectingSinks implements Sinks {

    private CloseableIterator<ConversationState> states;
    private CloseableIterator<AgentEvent> results;
    private CloseableIterator<AggregatedIntelligence> aggregates;
    private CloseableIterator<String> expired;
    private CloseableIterator<DeadLetter> deadLetters;

    /** What the pipeline wrote, once the job has finished. */
    record Output(
            List<ConversationState> states,
            List<AgentEvent> results,
            List<AggregatedIntelligence> aggregates,
            List<String> expired,
            List<DeadLetter> deadLetters) {}

    @Override
    public void conversationStates(DataStream<ConversationState> s) {
        states = s.collectAsync();
    }

    @Override
    public void agentResults(DataStream<AgentEvent> r) {
        results = r.collectAsync();
    }

    @Override
    public void aggregates(DataStream<AggregatedIntelligence> a) {
        aggregates = a.collectAsync();
    }

    @Override
    public void expiredAggregates(DataStream<String> keys) {
        expired = keys.collectAsync();
    }

    @Override
    public void deadLetters(DataStream<DeadLetter> d) {
        deadLetters = d.collectAsync();
    }

    /**
     * Drains every collector; call after {@code executeAsync()}. Returns when the job has ended.
     */
    Output drain() throws Exception {
        return new Output(
                all(states), all(results), all(aggregates), all(expired), all(deadLetters));
    }

    private static <T> List<T> all(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
