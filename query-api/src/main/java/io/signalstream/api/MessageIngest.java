package io.signalstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.AuditEvent;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Topics;
import io.signalstream.model.Traceparent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes accepted messages to {@code support.messages.raw}: acks from all in-sync replicas, an
 * idempotent producer, and a bounded wait so a broker outage turns into a prompt 503, never a
 * silent loss.
 */
public final class MessageIngest implements MessageLog {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String auditTopic;
    private final Duration timeout;
    private final ObjectMapper mapper = Json.newMapper();

    public MessageIngest(ApiSettings settings) {
        Properties props = settings.clientProperties();
        long timeoutMs = settings.produceTimeout().toMillis();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(
                ProducerConfig.LINGER_MS_CONFIG, Long.toString(settings.ingestLinger().toMillis()));
        // Bound every wait below the HTTP answer's deadline: metadata, the request, and delivery.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs / 2));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        this.topic = Topics.prefixed(settings.topicPrefix(), Topics.MESSAGES_RAW);
        this.auditTopic = Topics.prefixed(settings.topicPrefix(), Topics.AUDIT);
        this.timeout = settings.produceTimeout().plusMillis(500);
    }

    /** Writes the message and returns once Kafka acknowledged it. */
    @Override
    public void write(SupportMessage message, String traceparent) throws NotAcknowledged {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, utf8(message.key()), json(message));
        record.headers()
                .add("tenant_id", utf8(message.tenantId()))
                .add("message_id", utf8(message.messageId()));
        if (traceparent != null) {
            record.headers().add(Traceparent.HEADER, utf8(traceparent));
        }
        await(List.of(send(record)));
    }

    /**
     * The erasure as a control record on the raw topic, under the conversation's key, and its
     * request on the audit topic; both sent at once, then awaited.
     */
    @Override
    public void erase(ConversationErasure erasure) throws NotAcknowledged {
        ProducerRecord<byte[], byte[]> control =
                new ProducerRecord<>(topic, utf8(erasure.key()), json(erasure));
        control.headers()
                .add(ConversationErasure.HEADER_CONTROL, utf8(ConversationErasure.CONTROL_ERASE))
                .add("tenant_id", utf8(erasure.tenantId()));
        ProducerRecord<byte[], byte[]> audit =
                new ProducerRecord<>(
                        auditTopic,
                        utf8(erasure.key()),
                        json(
                                new AuditEvent(
                                        AuditEvent.ERASURE_REQUESTED,
                                        erasure.erasureId(),
                                        erasure.tenantId(),
                                        erasure.conversationId(),
                                        erasure.requestedAt(),
                                        null)));
        await(List.of(send(control), send(audit)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass(), e);
        }
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record)
            throws NotAcknowledged {
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
        } catch (KafkaException e) {
            throw new NotAcknowledged("Kafka is unreachable: " + e.getMessage(), e);
        }
        return acked;
    }

    private void await(List<CompletableFuture<Void>> sent) throws NotAcknowledged {
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NotAcknowledged(
                    "Kafka rejected the write: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new NotAcknowledged(
                    "Kafka did not acknowledge the write within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcknowledged("interrupted while waiting for Kafka", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
