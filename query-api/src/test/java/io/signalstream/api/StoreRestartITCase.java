package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.Fixtures;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Topics;
import io.signalstream.model.TranscriptEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store across restarts, against real brokers: a restarted API resumes at the saved positions
 * and reads only what is new; a store filled from another cluster is emptied and filled again.
 */
class StoreRestartITCase {

    private static final ApiKeys KEYS = ApiKeys.parse("restart-key=acme");

    @TempDir Path dir;

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, String id, long n)
            throws Exception {
        AggregatedIntelligence a = Fixtures.aggregate("acme", id, n);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(
                        Topics.AI_AGGREGATED,
                        a.key().getBytes(StandardCharsets.UTF_8),
                        Fixtures.json(a));
        record.headers()
                .add(
                        AggregatedIntelligence.HEADER_VERSION,
                        Long.toString(a.version()).getBytes(StandardCharsets.US_ASCII));
        producer.send(record).get();
        producer.send(
                        new ProducerRecord<>(
                                Topics.TRANSCRIPT,
                                TranscriptEntry.slotKey(a.key(), 0)
                                        .getBytes(StandardCharsets.UTF_8),
                                Fixtures.json(
                                        new TranscriptEntry(
                                                "acme",
                                                id,
                                                n,
                                                "m" + n,
                                                io.signalstream.model.Sender.CUSTOMER,
                                                io.signalstream.model.Channel.CHAT,
                                                Fixtures.T0,
                                                "message " + n))))
                .get();
    }

    /** An hour bucket of acme's analytics, {@code hoursAgo} back, counting {@code messages}. */
    private static void bucket(KafkaProducer<byte[], byte[]> producer, int hoursAgo, long messages)
            throws Exception {
        long now = System.currentTimeMillis();
        java.time.Instant start =
                java.time.Instant.ofEpochMilli(now - now % 3_600_000 - 3_600_000L * hoursAgo);
        producer.send(
                        new ProducerRecord<>(
                                Topics.ANALYTICS,
                                ("acme/hour/" + start).getBytes(StandardCharsets.UTF_8),
                                ("{\"tenant_id\": \"acme\", \"granularity\": \"hour\","
                                                + " \"start\": \""
                                                + start
                                                + "\", \"messages\": "
                                                + messages
                                                + "}")
                                        .getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    /** acme's hour buckets of the last day, as the API serves them: messages of each. */
    private static List<Long> hours(QueryApi api) throws Exception {
        long now = System.currentTimeMillis();
        List<Long> messages = new java.util.ArrayList<>();
        for (byte[] b :
                api.analytics()
                        .store()
                        .range("acme", "hour", now - 86_400_000L, now + 3_600_000L, 100)) {
            messages.add(
                    io.signalstream.model.Json.newMapper().readTree(b).get("messages").asLong());
        }
        return messages;
    }

    private QueryApi start(EmbeddedKafka kafka) {
        QueryApi api =
                QueryApi.local(
                                ApiSettings.local(
                                        kafka.bootstrapServers(), KEYS, dir.resolve("store")),
                                0)
                        .start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.views().stream().allMatch(TopicFeed.ViewStatus::caughtUp));
        return api;
    }

    private static long read(QueryApi api, String view) {
        return api.views().stream()
                .filter(v -> v.view().equals(view))
                .mapToLong(TopicFeed.ViewStatus::read)
                .sum();
    }

    @Test
    void aRestartReadsOnlyWhatIsNewAndAnotherClusterStartsOver() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
            for (int i = 0; i < 50; i++) {
                publish(producer, "old-" + i, 1);
            }
            try (QueryApi api = start(kafka)) {
                assertThat(read(api, "aggregates")).isEqualTo(50);
                assertThat(api.store().aggregate("acme/old-7")).isPresent();
            }
            for (int i = 0; i < 5; i++) {
                publish(producer, "new-" + i, 1);
            }
            publish(producer, "old-7", 2);

            try (QueryApi api = start(kafka)) {
                assertThat(read(api, "aggregates")).isEqualTo(6);
                assertThat(read(api, "transcripts")).isEqualTo(6);
                assertThat(api.store().aggregate("acme/old-3")).isPresent();
                assertThat(api.store().aggregate("acme/new-4")).isPresent();
                assertThat(api.store().aggregate("acme/old-7").orElseThrow().version())
                        .isEqualTo(2000);
                assertThat(api.store().transcript("acme/old-7")).hasSize(1);
            }
        }

        // The same store, another cluster: what it held is not this cluster's.
        try (EmbeddedKafka other = EmbeddedKafka.builder().build().start();
                KafkaProducer<byte[], byte[]> producer = producer(other)) {
            KafkaTopics.ensureAll(other.bootstrapServers(), "", 1);
            publish(producer, "elsewhere", 1);
            try (QueryApi api = start(other)) {
                assertThat(api.store().aggregate("acme/old-3")).isEmpty();
                assertThat(api.store().aggregate("acme/elsewhere")).isPresent();
                assertThat(read(api, "aggregates")).isEqualTo(1);
            }
        }
    }
}
