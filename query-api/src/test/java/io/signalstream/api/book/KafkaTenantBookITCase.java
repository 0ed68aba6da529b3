package io.signalstream.api.book;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules on a real broker: durable before answered, found again by the next instance. */
class KafkaTenantBookITCase {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static KafkaTenantBook book() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        KafkaTenantBook book =
                new KafkaTenantBook(
                                client,
                                Topics.RULES,
                                Duration.ofSeconds(10),
                                TenantBook.RULES_PER_TENANT)
                        .start();
        assertThat(book.awaitLoaded(Duration.ofSeconds(30))).isTrue();
        return book;
    }

    private static ObjectNode rule(String name) {
        ObjectNode rule = Json.newMapper().createObjectNode();
        rule.put("name", name);
        return rule;
    }

    @Test
    void rulesSurviveARestartAndADeletionStaysDeleted() throws Exception {
        try (KafkaTenantBook first = book()) {
            assertThat(first.put("acme", "a", rule("first"))).isTrue();
            assertThat(first.put("acme", "b", rule("second"))).isTrue();
            assertThat(first.put("acme", "a", rule("first, again"))).isFalse();
            assertThat(first.put("globex", "a", rule("theirs"))).isTrue();
            assertThat(first.delete("acme", "b")).isTrue();
            assertThat(first.delete("acme", "never")).isFalse();
        }
        try (KafkaTenantBook next = book()) {
            assertThat(next.list("acme"))
                    .extracting(r -> r.get("name").asText())
                    .containsExactly("first, again");
            assertThat(next.get("globex", "a")).isPresent();
            assertThat(next.get("acme", "b")).isEmpty();
        }
    }

    @Test
    void aTenantCannotPassTheLimit() throws Exception {
        try (KafkaTenantBook book = book()) {
            for (int i = 0; i < TenantBook.RULES_PER_TENANT; i++) {
                book.put("busy", "r" + i, rule("r" + i));
            }
            assertThatThrownBy(() -> book.put("busy", "extra", rule("extra")))
                    .isInstanceOf(TenantBook.Full.class);
            assertThat(book.put("busy", "r1", rule("replaced"))).isFalse();
            assertThat(book.list("busy")).hasSize(TenantBook.RULES_PER_TENANT);
        }
    }
}
