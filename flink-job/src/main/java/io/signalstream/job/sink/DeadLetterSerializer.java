package io.signalstream.job.sink;

import io.signalstream.job.dlq.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a dead letter with its original key and bytes; the reason and origin travel as headers.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    /** Header values are capped so one huge error message cannot make the record too large. */
    private static final int MAX_REASON_LENGTH = 2000;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, letter.key(), letter.value());
        String reason =
                letter.reason().length() > MAX_REASON_LENGTH
                        ? letter.reason().substring(0, MAX_REASON_LENGTH)
                        : letter.reason();
        record.headers()
                .add(DeadLetter.HEADER_REASON, bytes(reason))
                .add(DeadLetter.HEADER_STAGE, bytes(letter.stage()))
                .add(DeadLetter.HEADER_TOPIC, bytes(letter.sourceTopic()))
                .add(DeadLetter.HEADER_PARTITION, bytes(Integer.toString(letter.sourcePartition())))
                .add(DeadLetter.HEADER_OFFSET, bytes(Long.toString(letter.sourceOffset())));
        return record;
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
