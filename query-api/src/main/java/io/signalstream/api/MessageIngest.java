package io.signalstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes accepted messages to {@code support.messages.raw}: acks from all in-sync replicas, an
 * idempotent producer, and a bounded wait so a broker outage turns into a prompt 503, never a
 * silent loss.
 */
public final class MessageIngest implements MessageLog {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;
    private final ObjectMapper mapper = Json.newMapper();

    public MessageIngest(ApiSettings settings) {
        Properties props = settings.clientProperties();
        long timeoutMs = settings.produceTimeout().toMillis();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        // Bound every wait below the HTTP answer's deadline: metadata, the request, and delivery.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs / 2));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        this.topic = Topics.prefixed(settings.topicPrefix(), Topics.MESSAGES_RAW);
        this.timeout = settings.produceTimeout().plusMillis(500);
    }

    /** Writes the message and returns once Kafka acknowledged it. */
    @Override
    public void write(SupportMessage message) throws NotAcknowledged {
        ProducerRecord<byte[], byte[]> record;
        try {
            record =
                    new ProducerRecord<>(
                            topic,
                            message.key().getBytes(StandardCharsets.UTF_8),
                            mapper.writeValueAsBytes(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize message", e);
        }
        record.headers()
                .add("tenant_id", message.tenantId().getBytes(StandardCharsets.UTF_8))
                .add("message_id", message.messageId().getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(
                    record,
                    (metadata, error) -> {
                        if (error != null) {
                            acked.completeExceptionally(error);
                        } else {
                            acked.complete(null);
                        }
                    });
            acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NotAcknowledged(
                    "Kafka rejected the write: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new NotAcknowledged(
                    "Kafka did not acknowledge the write within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcknowledged("interrupted while waiting for Kafka", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new NotAcknowledged("Kafka is unreachable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
