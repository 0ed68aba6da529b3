package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.rules.RuleTenants;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator's view of which tenants have rules, read from a real broker's {@code
 * support.rules}: the rules stored before it starts, then each one added or deleted while it runs.
 */
class RuleTenantsITCase {

    @TempDir Path dir;

    @Test
    void theViewFollowsTheRuleTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            try (KafkaProducer<String, String> rules = new KafkaProducer<>(p)) {
                rules.send(new ProducerRecord<>(Topics.RULES, "acme/r1", "{}"));
                rules.send(new ProducerRecord<>(Topics.RULES, "globex/r1", "{}"));
                rules.send(new ProducerRecord<>(Topics.RULES, "globex/r1", null));
                rules.send(new ProducerRecord<>(Topics.RULES, "no-id", "{}"));
                rules.flush();

                RuleTenants view =
                        RuleTenants.reading(
                                KafkaSettings.from(
                                        new String[] {
                                            "--bootstrap-servers", kafka.bootstrapServers()
                                        },
                                        Map.of()));
                assertThat(view.mayHaveRules("globex")).as("not read yet").isTrue();
                try (view) {
                    view.open("test");
                    await().atMost(Duration.ofSeconds(30)).until(view::loaded);
                    assertThat(view.mayHaveRules("acme")).isTrue();
                    assertThat(view.mayHaveRules("globex")).as("its rule was deleted").isFalse();
                    assertThat(view.mayHaveRules("no-id")).isFalse();
                    assertThat(view.mayHaveRules("initech")).isFalse();

                    rules.send(new ProducerRecord<>(Topics.RULES, "initech/r9", "{}"));
                    rules.send(new ProducerRecord<>(Topics.RULES, "acme/r1", null));
                    rules.flush();
                    await().atMost(Duration.ofSeconds(30))
                            .until(
                                    () ->
                                            view.mayHaveRules("initech")
                                                    && !view.mayHaveRules("acme"));
                }
            }
        }
    }

    @Test
    void closedWhileWaitingToReadAgainTheViewStopsAtOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            // no topics: every attempt to read fails, and the view waits before the next one
            RuleTenants view =
                    RuleTenants.reading(
                            KafkaSettings.from(
                                    new String[] {"--bootstrap-servers", kafka.bootstrapServers()},
                                    Map.of()));
            view.open("a missing topic");
            Thread reader =
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> thread("rule tenants of a missing topic"), t -> t != null);
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    Arrays.stream(reader.getStackTrace())
                                            .anyMatch(f -> f.getMethodName().equals("pause")));
            assertThat(view.mayHaveRules("acme")).as("never read: anyone may").isTrue();

            view.close();

            // the wait between attempts is 2 s: it ends with the close, not by itself
            reader.join(Duration.ofMillis(1_000));
            assertThat(reader.isAlive()).isFalse();
        }
    }

    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElse(null);
    }
}
