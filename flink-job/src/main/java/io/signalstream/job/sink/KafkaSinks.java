package io.signalstream.job.sink;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.config.OutputSettings;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.model.Topics;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Writes the outputs to Kafka: one producer per subtask for the data path, routing each record by
 * topic, with compression, linger and batch size set on purpose. At-least-once by default (lowest
 * latency); exactly-once with Kafka transactions when configured, in which case readers use {@code
 * read_committed}.
 */
public final class KafkaSinks implements Sinks {

    /** Must stay below the broker's {@code transaction.max.timeout.ms} (15 minutes by default). */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    private final KafkaSettings kafka;
    private final OutputSettings output;

    public KafkaSinks(KafkaSettings kafka, OutputSettings output) {
        this.kafka = kafka;
        this.output = output;
    }

    @Override
    public void outputs(DataStream<SinkRecord> outputs) {
        outputs.sinkTo(sink("outputs")).uid("sink-outputs").name("sink outputs (by topic)");
    }

    @Override
    public void alerts(DataStream<SinkRecord> alerts) {
        alerts.sinkTo(sink("alerts")).uid("sink-alerts").name("sink " + kafka.topic(Topics.ALERTS));
    }

    @Override
    public void analytics(DataStream<SinkRecord> analytics) {
        analytics
                .sinkTo(sink("analytics"))
                .uid("sink-analytics")
                .name("sink " + kafka.topic(Topics.ANALYTICS));
    }

    @Override
    public void rejected(DataStream<SinkRecord> deadLetters) {
        deadLetters
                .sinkTo(sink("rejected"))
                .uid("sink-rejected")
                .name("sink " + kafka.topic(Topics.DLQ));
    }

    /** The producer settings every sink of the job uses (and the benchmark's floor job). */
    public static Properties producerProperties(KafkaSettings kafka, OutputSettings output) {
        Properties props = kafka.clientProperties();
        props.put("compression.type", output.compression());
        props.put("linger.ms", Integer.toString(output.lingerMs()));
        props.put("batch.size", Integer.toString(output.batchBytes()));
        props.put("max.request.size", Integer.toString(OutputSettings.MAX_REQUEST_BYTES));
        props.put("acks", "all");
        props.put("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        return props;
    }

    private KafkaSink<SinkRecord> sink(String name) {
        var builder =
                KafkaSink.<SinkRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setKafkaProducerConfig(producerProperties(kafka, output))
                        .setRecordSerializer(
                                new SinkRecordSerializer(
                                        kafka.topicPrefix(), output.maxRecordBytes()));
        if (kafka.exactlyOnce()) {
            builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name);
        } else {
            builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return builder.build();
    }
}
