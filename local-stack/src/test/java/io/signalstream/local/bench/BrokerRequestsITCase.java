package io.signalstream.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.kafka.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The bench's reading of a broker's request meters, against a real broker in this JVM. */
class BrokerRequestsITCase {

    private static final String TOPIC = "broker-requests";
    private static final int RECORDS = 5;

    @Test
    void countsTheProduceAndFetchRequestsTheBrokerServed() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                BrokerRequests requests =
                        BrokerRequests.of(ManagementFactory.getPlatformMBeanServer())) {
            try (Admin admin =
                    Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            long[] before = requests.counts();

            Properties producer = new Properties();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer)) {
                // one at a time, each acknowledged before the next: one produce request each
                for (int i = 0; i < RECORDS; i++) {
                    p.send(new ProducerRecord<>(TOPIC, new byte[] {(byte) i})).get();
                }
            }
            long[] produced = requests.counts();

            Properties consumer = new Properties();
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer.put(
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            int read = 0;
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer)) {
                TopicPartition tp = new TopicPartition(TOPIC, 0);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read < RECORDS && System.nanoTime() < deadline) {
                    read += c.poll(Duration.ofMillis(200)).count();
                }
            }
            long[] fetched = requests.counts();

            assertThat(read).isEqualTo(RECORDS);
            assertThat(BrokerRequests.TYPES).containsExactly("Produce", "Fetch");
            assertThat(produced[0] - before[0]).isGreaterThanOrEqualTo(RECORDS);
            assertThat(fetched[1] - produced[1]).isPositive();
            assertThat(fetched[0]).isEqualTo(produced[0]);
        }
    }
}
