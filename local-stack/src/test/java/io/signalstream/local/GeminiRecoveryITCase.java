package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never paying twice: a job that processes answered messages again (its state rolled back, here to
 * nothing: no checkpoint was taken, so the restarted job reads the topic from the start, as after a
 * crash everything after the last checkpoint is read again) answers them from the kept answers on
 * {@code support.llm.answers}, without a model request.
 */
class GeminiRecoveryITCase {

    private static final int CONVERSATIONS = 3;
    private static final Pattern REUSED =
            Pattern.compile("_gemini_answersReused\\{[^}]*} ([0-9.E]+)");

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    /** The project's Flink settings with checkpoints an hour apart: none is taken in the test. */
    private Path rareCheckpoints() throws Exception {
        Path conf = Files.createDirectories(dataDir.resolve("flink-conf"));
        String yaml = Files.readString(Path.of("..", "flink-conf", "config.yaml"));
        // Flink triggers the first checkpoint after a random delay between the minimum pause and
        // the interval: with both at an hour, none comes during the test.
        Files.writeString(
                conf.resolve("config.yaml"),
                yaml.replaceAll(
                                "(?m)^execution\\.checkpointing\\.interval:.*$",
                                "execution.checkpointing.interval: 1h")
                        .replaceAll(
                                "(?m)^execution\\.checkpointing\\.min-pause:.*$",
                                "execution.checkpointing.min-pause: 1h"));
        return conf;
    }

    @Test
    void messagesProcessedAgainAreAnsweredFromTheKeptAnswersWithoutAModelRequest()
            throws Exception {
        String key = "recovery-key-" + UUID.randomUUID();
        Path conf = rareCheckpoints();
        try (FakeGemini gemini = new FakeGemini(key, Duration.ZERO, 0)) {
            int paid;
            try (LocalStack first =
                    new LocalStack(gemini.stackOptions(dataDir, 2, 1, conf)).start()) {
                StackClient client = new StackClient(first, null);
                for (int i = 1; i <= CONVERSATIONS; i++) {
                    assertThat(
                                    client.post(
                                                    StackClient.message(
                                                            "rec-" + i,
                                                            "m" + i,
                                                            "customer",
                                                            "[recover] This is terrible " + i))
                                            .statusCode())
                            .isEqualTo(202);
                }
                for (int i = 1; i <= CONVERSATIONS; i++) {
                    awaitGemini(client, "rec-" + i);
                }
                paid = gemini.requestsFor("[recover]").size();
                assertThat(paid).isEqualTo(CONVERSATIONS);
            }
            assertThat(LocalStack.latestCheckpoint(dataDir.resolve("checkpoints"))).isEmpty();

            try (LocalStack second =
                    new LocalStack(gemini.stackOptions(dataDir, 2, 1, conf)).start()) {
                // The restarted job reads the messages again and answers each from the kept
                // answers.
                await().atMost(Duration.ofSeconds(60)).until(() -> reused(second) >= CONVERSATIONS);
                StackClient client = new StackClient(second, null);
                for (int i = 1; i <= CONVERSATIONS; i++) {
                    awaitGemini(client, "rec-" + i);
                }
                assertThat(gemini.requestsFor("[recover]"))
                        .as("model requests for messages answered before the restart")
                        .hasSize(paid);

                // A new message still gets the model.
                client.post(StackClient.message("rec-1", "m9", "customer", "[recover] And now?"));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> gemini.requestsFor("[recover]").size() == paid + 1);
            }
        }
    }

    private static void awaitGemini(StackClient client, String conversation) {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            HttpResponse<String> res = client.insights(conversation);
                            assertThat(res.statusCode()).isEqualTo(200);
                            JsonNode insights = StackClient.MAPPER.readTree(res.body());
                            assertThat(insights.at("/agents/sentiment/provider").asText())
                                    .as(res.body())
                                    .isEqualTo("gemini");
                        });
    }

    private static double reused(LocalStack stack) throws Exception {
        String metrics = StackClient.flinkMetrics(stack);
        Matcher m = REUSED.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
