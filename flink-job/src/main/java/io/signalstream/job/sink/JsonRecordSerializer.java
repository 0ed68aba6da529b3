package io.signalstream.job.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an element as snake_case JSON under its conversation key. A null value (from {@code
 * value}) writes a tombstone.
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, String> topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, Object> value;
    private transient ObjectMapper mapper;

    public JsonRecordSerializer(
            SerializableFunction<T, String> topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, Object> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        mapper = Json.newMapper();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        Object body = value.apply(element);
        try {
            return new ProducerRecord<>(
                    topic.apply(element),
                    key.apply(element).getBytes(StandardCharsets.UTF_8),
                    body == null ? null : mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write " + element.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
