package io.signalstream.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.sink.Sinks;
import io.signalstream.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.CloseableIterator;

/**
 * Collects every record a bounded pipeline run would write to Kafka, through Flink's collect sinks.
 */
final class CollectingSinks implements Sinks {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private CloseableIterator<SinkRecord> outputs;
    private CloseableIterator<SinkRecord> rejected;
    private CloseableIterator<SinkRecord> alerts;
    private CloseableIterator<SinkRecord> analytics;

    /** What the pipeline wrote, once the job has finished. */
    record Output(
            List<SinkRecord> outputs,
            List<SinkRecord> rejected,
            List<SinkRecord> alerts,
            List<SinkRecord> analytics) {

        List<SinkRecord> on(String topic) {
            return outputs.stream().filter(r -> r.topic().equals(topic)).toList();
        }

        /** The values written to {@code topic}, read as {@code type} (tombstones left out). */
        <T> List<T> read(String topic, Class<T> type) {
            List<T> values = new ArrayList<>();
            for (SinkRecord r : on(topic)) {
                if (r.value() != null) {
                    try {
                        values.add(MAPPER.readValue(r.value(), type));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return values;
        }
    }

    @Override
    public void outputs(DataStream<SinkRecord> s) {
        outputs = s.collectAsync();
    }

    @Override
    public void alerts(DataStream<SinkRecord> s) {
        alerts = s.collectAsync();
    }

    @Override
    public void analytics(DataStream<SinkRecord> s) {
        analytics = s.collectAsync();
    }

    @Override
    public void rejected(DataStream<SinkRecord> s) {
        rejected = s.collectAsync();
    }

    /** Drains the collectors; call after {@code executeAsync()}. Returns when the job has ended. */
    Output drain() throws Exception {
        return new Output(all(outputs), all(rejected), all(alerts), all(analytics));
    }

    private static <T> List<T> all(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
