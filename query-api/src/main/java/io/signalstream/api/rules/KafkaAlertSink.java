package io.signalstream.api.rules;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.signalstream.model.Alert;
import io.signalstream.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a backfill's alerts to {@code support.alerts} (key {@code tenant/conversation}, as the job
 * does), each confirmed before the next: the feed and the webhook deliveries take them from there
 * like any other alert.
 */
public final class KafkaAlertSink implements Backfill.AlertSink, AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;
    private final ObjectWriter writer = Json.newMapper().writerFor(Alert.class);

    public KafkaAlertSink(Properties client, String topic, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public void send(Alert alert) throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                topic,
                                alert.key().getBytes(StandardCharsets.UTF_8),
                                writer.writeValueAsBytes(alert)))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
