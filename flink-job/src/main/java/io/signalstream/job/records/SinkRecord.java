package io.signalstream.job.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One record for Kafka, already encoded: every output of the job travels as one of these to one
 * producer per subtask, which routes it by {@code topic}.
 *
 * @param topic the topic's name without the deployment prefix
 * @param value null for a tombstone
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record SinkRecord(String topic, byte[] key, byte[] value, List<Header> headers) {

    /** A Kafka header. */
    public record Header(String name, byte[] value) {
        public static Header of(String name, String value) {
            return new Header(name, value.getBytes(StandardCharsets.UTF_8));
        }

        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        static void write(DataOutputView out, List<Header> headers) throws IOException {
            Serde.list(
                    out,
                    headers,
                    (o, h) -> {
                        Serde.string(o, h.name());
                        Serde.bytes(o, h.value());
                    });
        }

        static List<Header> read(DataInputView in) throws IOException {
            return Serde.list(in, i -> new Header(Serde.string(i), Serde.bytes(i)));
        }
    }

    /** The key as text (keys are always UTF-8 here). */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value of the first header called {@code name}, or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equals(name)) {
                return h.text();
            }
        }
        return null;
    }

    /** Bytes this record takes on the wire, near enough to keep it under a limit. */
    public int size() {
        int size = 64 + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += h.name().length() + h.value().length + 8;
        }
        return size;
    }

    /** Format 1: topic, key, value, headers. */
    public static final class Serializer extends ImmutableSerializer<SinkRecord> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 1;
        }

        @Override
        protected void write(SinkRecord r, DataOutputView out) throws IOException {
            Serde.string(out, r.topic());
            Serde.bytes(out, r.key());
            Serde.bytes(out, r.value());
            Header.write(out, r.headers());
        }

        @Override
        protected SinkRecord read(int format, DataInputView in) throws IOException {
            return new SinkRecord(
                    Serde.string(in), Serde.bytes(in), Serde.bytes(in), Header.read(in));
        }
    }
}
