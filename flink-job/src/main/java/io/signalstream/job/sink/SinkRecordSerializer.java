package io.signalstream.job.sink;

import io.signalstream.job.records.SinkRecord;
import io.signalstream.model.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Routes each {@link SinkRecord} to its topic (with the deployment's prefix) and makes sure no
 * record is larger than {@code MAX_RECORD_BYTES}: a record that would be is never sent (it would
 * fail the sink and restart the job for good); a dead letter saying so, with the value cut to fit,
 * goes in its place. No input can make this sink fail.
 */
public final class SinkRecordSerializer implements KafkaRecordSerializationSchema<SinkRecord> {
    private static final long serialVersionUID = 1L;

    private final String topicPrefix;
    private final int maxRecordBytes;

    public SinkRecordSerializer(String topicPrefix, int maxRecordBytes) {
        this.topicPrefix = topicPrefix == null ? "" : topicPrefix;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            SinkRecord record, KafkaSinkContext context, Long timestamp) {
        SinkRecord fitting = fit(record, maxRecordBytes);
        List<Header> headers = new ArrayList<>(fitting.headers().size());
        for (SinkRecord.Header h : fitting.headers()) {
            headers.add(new RecordHeader(h.name(), h.value()));
        }
        return new ProducerRecord<>(
                topicPrefix + fitting.topic(), null, null, fitting.key(), fitting.value(), headers);
    }

    /**
     * {@code record} if it fits in {@code max} bytes; otherwise a dead letter about it whose value
     * is the start of the original, cut to fit. Dead letters that are too large keep their headers
     * and lose the end of their value.
     */
    static SinkRecord fit(SinkRecord record, int max) {
        int size = record.size();
        if (size <= max) {
            return record;
        }
        SinkRecord letter =
                record.topic().equals(Topics.DLQ)
                        ? record
                        : Outputs.deadLetter(
                                record.key(),
                                record.value(),
                                "an output record of "
                                        + size
                                        + " bytes for "
                                        + record.topic()
                                        + " exceeds MAX_RECORD_BYTES ("
                                        + max
                                        + "); it was not written",
                                "sink",
                                "",
                                -1,
                                -1);
        byte[] key = letter.key();
        if (key != null && key.length > max / 4) {
            key = Arrays.copyOf(key, max / 4);
        }
        List<SinkRecord.Header> headers = new ArrayList<>(letter.headers());
        int original = letter.value() == null ? 0 : letter.value().length;
        headers.add(SinkRecord.Header.of(Outputs.HEADER_VALUE_BYTES, Integer.toString(original)));
        SinkRecord shell = new SinkRecord(letter.topic(), key, null, List.copyOf(headers));
        int room = Math.max(0, max - shell.size());
        byte[] value =
                letter.value() == null
                        ? null
                        : Arrays.copyOf(letter.value(), Math.min(room, letter.value().length));
        return new SinkRecord(letter.topic(), key, value, shell.headers());
    }
}
