package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * With exactly-once sinks the job writes through Kafka transactions: a {@code read_committed}
 * reader sees results only after the checkpoint that commits them, and the counts are exact.
 */
class ExactlyOnceITCase {

    private static final ObjectMapper MAPPER = StackClient.MAPPER;

    // Removed by StackClient.removeLeniently: see there why not by JUnit.
    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    @Test
    void transactionalSinksGiveExactCountsToReadCommittedReaders() throws Exception {
        LocalStack.Options options =
                new LocalStack.Options(
                        dataDir, 0, 0, 0, 2, 2, Path.of("..", "flink-conf"), "local", true);
        try (LocalStack stack = new LocalStack(options).start()) {
            long started = System.nanoTime();
            StackClient client = new StackClient(stack, null);
            for (String id : List.of("e1", "e2", "e2", "e3")) {
                assertThat(
                                client.post(
                                                StackClient.message(
                                                        "eo-1", id, "customer", "hello " + id))
                                        .statusCode())
                        .isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> client.messageCount("eo-1") == 3);
            System.out.printf(
                    "exactly-once: POST -> insights in %d ms (bounded by the checkpoint interval)%n",
                    (System.nanoTime() - started) / 1_000_000);

            // Every committed aggregate of the conversation, read as a read_committed consumer
            // would
            List<Long> versions = new ArrayList<>();
            Properties props = new Properties();
            props.put("bootstrap.servers", stack.kafka().bootstrapServers());
            props.put("isolation.level", "read_committed");
            props.put("key.deserializer", ByteArrayDeserializer.class.getName());
            props.put("value.deserializer", ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> parts =
                        List.of(
                                new TopicPartition("support.ai.aggregated", 0),
                                new TopicPartition("support.ai.aggregated", 1));
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                var end = consumer.endOffsets(parts);
                while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (new String(r.key(), StandardCharsets.UTF_8).equals("demo-tenant/eo-1")
                                && r.value() != null) {
                            var node = MAPPER.readTree(r.value());
                            versions.add(node.get("version").asLong());
                            assertThat(node.get("message_count").asLong()).isBetween(1L, 3L);
                        }
                    }
                }
            }
            assertThat(versions).isNotEmpty().isSorted().doesNotHaveDuplicates();
        }
    }
}
