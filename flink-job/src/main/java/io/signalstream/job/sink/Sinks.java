package io.signalstream.job.sink;

import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationState;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the job's outputs go. Production writes each to its Kafka topic ({@link KafkaSinks}); tests
 * collect them.
 */
public interface Sinks {

    /** Conversation snapshots for {@code support.conversations.state}. */
    void conversationStates(DataStream<ConversationState> states);

    /** Every agent result for {@code support.ai.<agent>}. */
    void agentResults(DataStream<AgentEvent> results);

    /** Aggregates for the compacted {@code support.ai.aggregated}. */
    void aggregates(DataStream<AggregatedIntelligence> aggregates);

    /** Keys of expired conversations: tombstones on {@code support.ai.aggregated}. */
    void expiredAggregates(DataStream<String> keys);

    /** Records that could not be processed, for {@code support.dlq}. */
    void deadLetters(DataStream<DeadLetter> deadLetters);
}
