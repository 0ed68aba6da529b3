package io.signalstream.job.sink;

import io.signalstream.job.records.SinkRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the job's outputs go. Production writes them to Kafka ({@link KafkaSinks}), routed by
 * topic; tests collect them.
 */
public interface Sinks {

    /**
     * Everything the data path writes (aggregates, transcript slots, agent results, tombstones and
     * the agents' dead letters): one sink, chained to the aggregator.
     */
    void outputs(DataStream<SinkRecord> outputs);

    /** Alerts the rules raised, for {@code support.alerts}: chained to the rule operator. */
    void alerts(DataStream<SinkRecord> alerts);

    /** Each tenant's changed analytics buckets, for {@code support.analytics}. */
    void analytics(DataStream<SinkRecord> analytics);

    /** Records the parse stage could not read, for {@code support.dlq}: chained to it. */
    void rejected(DataStream<SinkRecord> deadLetters);
}
