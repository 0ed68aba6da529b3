package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the local stack and starting it again on the same folder resumes the job from its
 * retained checkpoint: nothing is lost, nothing is counted twice, and Kafka's broker goes down
 * hard.
 */
class LocalStackRestartITCase {

    private static final ObjectMapper MAPPER = StackClient.MAPPER;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    // Removed by StackClient.removeLeniently: see there why not by JUnit.
    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    private static int post(LocalStack stack, String id, String text) throws Exception {
        return new StackClient(stack, null)
                .post(StackClient.message("resume-1", id, "customer", text))
                .statusCode();
    }

    private static long messageCount(LocalStack stack) throws Exception {
        return new StackClient(stack, null).messageCount("resume-1");
    }

    private static String restoredFrom(LocalStack stack) throws Exception {
        HttpResponse<String> res =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                stack.flinkUi()
                                                        + "/jobs/"
                                                        + stack.jobId()
                                                        + "/checkpoints"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            return "";
        }
        return MAPPER.readTree(res.body())
                .path("latest")
                .path("restored")
                .path("external_path")
                .asText("");
    }

    @Test
    void resumesFromTheRetainedCheckpointWithExactCounts() throws Exception {
        LocalStack.Options options =
                new LocalStack.Options(
                        dataDir, 0, 0, 0, 2, 2, Path.of("..", "flink-conf"), "local", false);
        try (LocalStack first = new LocalStack(options).start()) {
            for (int i = 1; i <= 3; i++) {
                assertThat(post(first, "m" + i, "message " + i)).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> messageCount(first) == 3);
            // A completed checkpoint after the messages were processed
            StackClient.awaitCheckpoint(dataDir.resolve("checkpoints"), 2);
        }

        try (LocalStack second = new LocalStack(options).start()) {
            // The job restored its state from the checkpoint the first run left behind
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> restoredFrom(second).contains("chk-"));
            // The old messages again (a client retry) and a new one
            assertThat(post(second, "m2", "message 2")).isEqualTo(202);
            assertThat(post(second, "m4", "message 4")).isEqualTo(202);
            await().atMost(Duration.ofSeconds(90)).until(() -> messageCount(second) == 4);
            assertThat(messageCount(second)).isEqualTo(4);
        }
    }
}
