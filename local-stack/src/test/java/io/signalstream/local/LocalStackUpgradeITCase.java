package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make run} on a data folder of an earlier version: its checkpoint holds state this job
 * cannot restore (an operator of the same uid with another state type). The stack must still start,
 * say what it did, and lose no acknowledged message.
 */
class LocalStackUpgradeITCase {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    @Test
    void aCheckpointOfAnEarlierLayoutIsMovedAsideAndEveryMessageIsRebuilt() throws Exception {
        // Given a data folder with messages on the raw topic and an earlier job's checkpoint
        int port;
        try (EmbeddedKafka kafka =
                EmbeddedKafka.builder().dataDir(dataDir.resolve("kafka")).build().start()) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
            produce(kafka.bootstrapServers(), "upgrade-1", 3);
            checkpointOfAnEarlierJob(kafka.bootstrapServers());
            port =
                    Integer.parseInt(
                            kafka.bootstrapServers()
                                    .substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        }
        assertThat(LocalStack.latestCheckpoint(dataDir.resolve("checkpoints"))).isPresent();

        // When this version starts on it (same broker port, so the folder's broker comes back)
        LocalStack.Options options =
                new LocalStack.Options(
                        dataDir, port, 0, 0, 2, 2, Path.of("..", "flink-conf"), "local", false);
        try (LocalStack stack = new LocalStack(options).start()) {
            StackClient client = new StackClient(stack, null);

            // Then it says what it did, kept the old state aside, and counts every message once
            assertThat(stack.upgradeNote())
                    .contains("earlier version", "no acknowledged message is lost");
            try (Stream<Path> files = Files.list(dataDir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith("checkpoints-layout-1-"));
            }
            assertThat(
                            client.post(
                                            StackClient.message(
                                                    "upgrade-1", "m4", "customer", "and a new one"))
                                    .statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> client.messageCount("upgrade-1") == 4);
            assertThat(client.messageCount("upgrade-1")).isEqualTo(4);
        }
    }

    private static void produce(String bootstrap, String conversation, int messages)
            throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            // dated now: a message dated a TTL after the previous one would start a new life
            Instant sent = Instant.now();
            for (int i = 1; i <= messages; i++) {
                String json =
                        "{\"message_id\":\"m%d\",\"tenant_id\":\"%s\",\"conversation_id\":\"%s\",\"sender\":\"customer\",\"message\":\"message %d\",\"channel\":\"chat\",\"timestamp\":\"%s\",\"metadata\":{}}"
                                .formatted(i, LocalStack.DEV_TENANT, conversation, i, sent);
                producer.send(
                                new ProducerRecord<>(
                                        Topics.MESSAGES_RAW,
                                        ConversationKey.of(LocalStack.DEV_TENANT, conversation)
                                                .getBytes(StandardCharsets.UTF_8),
                                        json.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
    }

    /**
     * An earlier job: the same source uid, and a keyed operator with this version's uid {@code
     * conversation} but another state type; it reads the messages and leaves a checkpoint.
     */
    private void checkpointOfAnEarlierJob(String bootstrap) throws Exception {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(Path.of("..", "flink-conf").toString());
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dataDir.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(300);
        env.fromSource(
                        KafkaSource.<String>builder()
                                .setBootstrapServers(bootstrap)
                                .setTopics(Topics.MESSAGES_RAW)
                                .setGroupId("signalstream-job")
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .setValueOnlyDeserializer(new SimpleStringSchema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "raw")
                .uid("source-messages-raw")
                .keyBy(s -> "k")
                .process(new OldConversation())
                .uid("conversation")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("an earlier SignalStream");
        StackClient.awaitCheckpoint(dataDir.resolve("checkpoints"), 3);
        job.cancel().get();
    }

    /** Keeps a String where this version keeps its conversation record. */
    static final class OldConversation extends KeyedProcessFunction<String, String, String> {
        private transient ValueState<String> conversation;

        @Override
        public void open(OpenContext openContext) {
            conversation =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("conversation", String.class));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out)
                throws Exception {
            conversation.update(value);
            out.collect(value);
        }
    }
}
