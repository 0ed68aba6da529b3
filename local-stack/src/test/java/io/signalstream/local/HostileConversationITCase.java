package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant cannot stop the job for everyone: eleven messages of 8,000 emoji each to one
 * conversation (accepted with 202) once made a state record exceed Kafka's 1 MB and the job restart
 * for good. Now every record stays small, the job never fails, and every conversation, the hostile
 * one included, is processed.
 */
class HostileConversationITCase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    @Test
    void elevenMessagesOfEightThousandEmojiAreClippedAndProcessedAndTheJobNeverFails()
            throws Exception {
        LocalStack.Options options = StackClient.localOptions(dataDir);
        try (LocalStack stack = new LocalStack(options).start()) {
            StackClient client = new StackClient(stack, null);
            String emoji = "\uD83D\uDE21".repeat(8_000);
            assertThat(
                            client.post(
                                            StackClient.message(
                                                    "calm", "k1", "customer", "Where is my order?"))
                                    .statusCode())
                    .isEqualTo(202);
            for (int i = 1; i <= 11; i++) {
                assertThat(
                                client.post(
                                                StackClient.message(
                                                        "flood", "h" + i, "customer", emoji))
                                        .statusCode())
                        .as("hostile message %d", i)
                        .isEqualTo(202);
            }
            assertThat(
                            client.post(StackClient.message("calm", "k2", "agent", "Let me check"))
                                    .statusCode())
                    .isEqualTo(202);

            await().atMost(Duration.ofSeconds(90))
                    .until(
                            () ->
                                    client.messageCount("flood") == 11
                                            && client.messageCount("calm") == 2);

            JsonNode flood = StackClient.MAPPER.readTree(client.insights("flood").body());
            assertThat(flood.at("/pii/redacted_message").asText()).endsWith("more characters]");
            JsonNode job = rest(stack, "/jobs/" + stack.jobId());
            assertThat(job.get("state").asText()).isEqualTo("RUNNING");
            JsonNode exceptions = rest(stack, "/jobs/" + stack.jobId() + "/exceptions");
            assertThat(exceptions.path("exceptionHistory").path("entries")).isEmpty();

            // Every record the job wrote is far under Kafka's limits, and none was refused.
            for (ConsumerRecord<byte[], byte[]> r :
                    StackClient.records(
                            stack,
                            "support.ai.aggregated",
                            "support.conversations.transcript",
                            "support.dlq")) {
                assertThat(r.topic()).isNotEqualTo("support.dlq");
                assertThat(r.serializedValueSize()).as(r.topic()).isLessThan(100_000);
            }
        }
    }

    private static JsonNode rest(LocalStack stack, String path) throws Exception {
        HttpResponse<String> res =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(stack.flinkUi() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
        return StackClient.MAPPER.readTree(res.body());
    }
}
