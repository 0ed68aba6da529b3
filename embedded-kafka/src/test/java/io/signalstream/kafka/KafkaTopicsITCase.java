package io.signalstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product's topics on a real broker: unredacted text and the audit trail have a retention. */
class KafkaTopicsITCase {

    @TempDir Path dir;

    private static String retention(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        return config.get(TopicConfig.RETENTION_MS_CONFIG).value();
    }

    @Test
    void rawDeadLetterAndAuditTopicsGetTheirRetentionAndAnOperatorsChoiceStays() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).port(0).build().start()) {
            Properties props = new Properties();
            props.put("bootstrap.servers", kafka.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                // Made by an earlier version: the raw topic with the broker's default retention,
                // the dead letters with a retention an operator chose.
                admin.createTopics(
                                List.of(
                                        new NewTopic(Topics.MESSAGES_RAW, 1, (short) 1),
                                        new NewTopic(Topics.DLQ, 1, (short) 1)
                                                .configs(
                                                        Map.of(
                                                                TopicConfig.RETENTION_MS_CONFIG,
                                                                "3600000"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);

                KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);

                assertThat(retention(admin, Topics.MESSAGES_RAW))
                        .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
                assertThat(retention(admin, Topics.DLQ)).isEqualTo("3600000");
                assertThat(retention(admin, Topics.AUDIT))
                        .isEqualTo(Long.toString(Duration.ofDays(365).toMillis()));
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .containsAll(Topics.ALL);
            }
        }
    }
}
