package io.signalstream.job.source;

import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Passes each Kafka record on unparsed; parsing happens in an operator that can dead-letter. */
public final class SourceRecordDeserializer
        implements KafkaRecordDeserializationSchema<SourceRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        out.collect(
                new SourceRecord(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.timestamp(),
                        record.key(),
                        record.value(),
                        headers(record)));
    }

    private static List<SinkRecord.Header> headers(ConsumerRecord<byte[], byte[]> record) {
        Header[] all = record.headers().toArray();
        if (all.length == 0) {
            return List.of();
        }
        List<SinkRecord.Header> out = new ArrayList<>(all.length);
        for (Header h : all) {
            out.add(new SinkRecord.Header(h.key(), h.value() == null ? new byte[0] : h.value()));
        }
        return List.copyOf(out);
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
