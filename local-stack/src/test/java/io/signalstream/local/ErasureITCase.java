package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.model.AuditEvent;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /v1/conversations/{id}} through the whole product: gone from every endpoint at
 * once, removed from the job's state and the compacted topics, recorded on the audit topic, and a
 * message afterwards starts a new conversation.
 */
class ErasureITCase {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    /** The newest value of each key on these topics; null for a tombstone. */
    private static Map<String, byte[]> latest(LocalStack stack, String... topics) {
        Map<String, byte[]> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StackClient.records(stack, topics)) {
            latest.put(r.topic() + " " + new String(r.key(), StandardCharsets.UTF_8), r.value());
        }
        return latest;
    }

    @Test
    void anErasedConversationIsGoneEverywhereAndTheErasureIsAudited() throws Exception {
        try (LocalStack stack = new LocalStack(StackClient.localOptions(dataDir)).start()) {
            StackClient client = new StackClient(stack, null);
            String tenant = LocalStack.DEV_TENANT;
            client.post(
                    StackClient.message(
                            "erase-me",
                            "m1",
                            "customer",
                            "My parcel never came, I am jane@example.com"));
            client.post(StackClient.message("erase-me", "m2", "agent", "Let me check the parcel"));
            client.post(StackClient.message("keep-me", "k1", "customer", "Where is my parcel?"));
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    client.messageCount("erase-me") == 2
                                            && client.messageCount("keep-me") == 1);

            long firstEpoch =
                    StackClient.MAPPER
                            .readTree(client.insights("erase-me").body())
                            .get("epoch")
                            .asLong();
            assertThat(firstEpoch).isPositive();
            var erased = client.delete("/v1/conversations/erase-me");
            assertThat(erased.statusCode()).isEqualTo(202);
            String erasureId =
                    StackClient.MAPPER.readTree(erased.body()).get("erasure_id").asText();

            // Gone from every endpoint at once
            assertThat(client.insights("erase-me").statusCode()).isEqualTo(404);
            assertThat(client.get("/v1/conversations/erase-me/messages").statusCode())
                    .isEqualTo(404);
            JsonNode search =
                    StackClient.MAPPER.readTree(client.get("/v1/conversations?q=parcel").body());
            assertThat(search.get("items"))
                    .extracting(i -> i.get("conversation_id").asText())
                    .containsExactly("keep-me");

            // The job records that it removed state, aggregate and transcript
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    StackClient.records(stack, Topics.AUDIT).stream()
                                            .anyMatch(
                                                    r ->
                                                            new String(
                                                                            r.value(),
                                                                            StandardCharsets.UTF_8)
                                                                    .contains(
                                                                            AuditEvent
                                                                                    .ERASURE_DONE)));
            List<AuditEvent> audit =
                    StackClient.records(stack, Topics.AUDIT).stream()
                            .map(r -> read(r.value()))
                            .toList();
            assertThat(audit)
                    .extracting(AuditEvent::event, AuditEvent::erasureId, AuditEvent::messages)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    AuditEvent.ERASURE_REQUESTED, erasureId, null),
                            org.assertj.core.groups.Tuple.tuple(
                                    AuditEvent.ERASURE_DONE, erasureId, 2L));
            Map<String, byte[]> topics = latest(stack, Topics.AI_AGGREGATED, Topics.TRANSCRIPT);
            String key = tenant + "/erase-me";
            assertThat(topics).containsKey(Topics.AI_AGGREGATED + " " + key);
            assertThat(topics.get(Topics.AI_AGGREGATED + " " + key)).isNull();
            assertThat(topics.get(Topics.TRANSCRIPT + " " + key + "#0")).isNull();
            assertThat(topics.get(Topics.TRANSCRIPT + " " + key + "#1")).isNull();
            assertThat(topics.get(Topics.AI_AGGREGATED + " " + tenant + "/keep-me")).isNotNull();

            // The job's state is gone too: the next message starts a new conversation.
            client.post(StackClient.message("erase-me", "m1", "customer", "Hello again"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> client.messageCount("erase-me") == 1);
            assertThat(client.messageCount("keep-me")).isEqualTo(1);
            // in a later epoch, which is what orders it after the erased life everywhere
            var again = client.insights("erase-me");
            long epoch = StackClient.MAPPER.readTree(again.body()).get("epoch").asLong();
            assertThat(epoch).isGreaterThan(firstEpoch);
            assertThat(again.headers().firstValue("ETag")).hasValue("\"" + epoch + "-1000\"");
        }
    }

    private static AuditEvent read(byte[] value) {
        try {
            return StackClient.MAPPER.readValue(value, AuditEvent.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
