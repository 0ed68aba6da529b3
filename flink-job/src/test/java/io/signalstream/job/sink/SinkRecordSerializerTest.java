package io.signalstream.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.records.SinkRecord;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SinkRecordSerializerTest {

    private static final int MAX = 20_000;
    private final SinkRecordSerializer serializer = new SinkRecordSerializer("prod-", MAX);

    private static SinkRecord aggregate(int bytes) {
        return new SinkRecord(
                Topics.AI_AGGREGATED,
                "acme/c1".getBytes(StandardCharsets.UTF_8),
                new byte[bytes],
                List.of(SinkRecord.Header.of("version", "1000")));
    }

    @Test
    void routesByTopicWithThePrefixAndKeepsHeaders() {
        ProducerRecord<byte[], byte[]> r = serializer.serialize(aggregate(10), null, null);
        assertThat(r.topic()).isEqualTo("prod-support.ai.aggregated");
        assertThat(new String(r.headers().lastHeader("version").value())).isEqualTo("1000");
        assertThat(r.value()).hasSize(10);
    }

    @Test
    void aRecordTooLargeForKafkaBecomesADeadLetterThatFits() {
        ProducerRecord<byte[], byte[]> r = serializer.serialize(aggregate(5 * MAX), null, null);

        assertThat(r.topic()).isEqualTo("prod-" + Topics.DLQ);
        assertThat(new String(r.headers().lastHeader(Outputs.HEADER_REASON).value()))
                .contains("exceeds MAX_RECORD_BYTES", Topics.AI_AGGREGATED);
        assertThat(new String(r.headers().lastHeader(Outputs.HEADER_VALUE_BYTES).value()))
                .isEqualTo(Integer.toString(5 * MAX));
        int size = r.key().length + r.value().length;
        for (var h : r.headers()) {
            size += h.key().length() + h.value().length;
        }
        assertThat(size).isLessThanOrEqualTo(MAX);
    }

    @Test
    void anOversizedDeadLetterKeepsItsReasonAndLosesTheEndOfItsValue() {
        SinkRecord letter =
                Outputs.deadLetter(
                        new byte[3], new byte[2 * MAX], "not json", "parse", "raw", 0, 9);
        ProducerRecord<byte[], byte[]> r = serializer.serialize(letter, null, null);
        assertThat(r.topic()).isEqualTo("prod-" + Topics.DLQ);
        assertThat(new String(r.headers().lastHeader(Outputs.HEADER_REASON).value()))
                .isEqualTo("not json");
        assertThat(r.value().length).isLessThan(MAX).isGreaterThan(MAX / 2);
    }
}
