package io.signalstream.job.records;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Kafka record as it arrived, before parsing: kept whole so a record that cannot be parsed goes
 * to the dead-letter topic exactly as it was — key, bytes and headers — with where it came from.
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record SourceRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        List<SinkRecord.Header> headers) {

    /** A record without headers. */
    public SourceRecord(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this(topic, partition, offset, timestamp, key, value, List.of());
    }

    /** The value of the first header called {@code name}, or null. */
    public String header(String name) {
        for (SinkRecord.Header h : headers) {
            if (h.name().equals(name)) {
                return h.text();
            }
        }
        return null;
    }

    /**
     * Format 2: topic, partition, offset, timestamp, key, value, headers. Format 1 (without
     * headers) reads with none.
     */
    public static final class Serializer extends ImmutableSerializer<SourceRecord> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 2;
        }

        @Override
        protected void write(SourceRecord r, DataOutputView out) throws IOException {
            Serde.string(out, r.topic());
            out.writeInt(r.partition());
            out.writeLong(r.offset());
            out.writeLong(r.timestamp());
            Serde.bytes(out, r.key());
            Serde.bytes(out, r.value());
            SinkRecord.Header.write(out, r.headers());
        }

        @Override
        protected SourceRecord read(int format, DataInputView in) throws IOException {
            return new SourceRecord(
                    Serde.string(in),
                    in.readInt(),
                    in.readLong(),
                    in.readLong(),
                    Serde.bytes(in),
                    Serde.bytes(in),
                    format >= 2 ? SinkRecord.Header.read(in) : List.of());
        }
    }
}
