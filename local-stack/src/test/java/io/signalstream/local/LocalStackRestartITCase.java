package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.kafka.FreePorts;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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

    private int latestCheckpointNumber() {
        return LocalStack.latestCheckpoint(dataDir.resolve("checkpoints"))
                .map(p -> Integer.parseInt(p.getFileName().toString().substring(4)))
                .orElse(0);
    }

    /**
     * Posts {@code ids}, waits until the conversation counts {@code expected}, then a checkpoint.
     */
    private void postAndCheckpoint(LocalStack stack, long expected, String... ids)
            throws Exception {
        for (String id : ids) {
            assertThat(post(stack, id, "message " + id)).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> messageCount(stack) == expected);
        StackClient.awaitCheckpoint(dataDir.resolve("checkpoints"), latestCheckpointNumber() + 1);
    }

    @Test
    void switchingTheProviderKeepsTheJobsState() throws Exception {
        LocalStack.Options local = StackClient.localOptions(dataDir);
        try (LocalStack first = new LocalStack(local).start()) {
            postAndCheckpoint(first, 2, "m1", "m2");
        }
        try (FakeGemini gemini = new FakeGemini("switch-key", Duration.ofMillis(10), 0);
                LocalStack second =
                        new LocalStack(
                                        gemini.stackOptions(
                                                dataDir, 2, 2, Path.of("..", "flink-conf")))
                                .start()) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> restoredFrom(second).contains("chk-"));
            // m2 again is a client's retry: it counts once across the switch.
            postAndCheckpoint(second, 3, "m2", "m3");
            assertThat(second.jobStatus()).isEqualTo("RUNNING");
        }
        try (LocalStack third = new LocalStack(local).start()) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> restoredFrom(third).contains("chk-"));
            postAndCheckpoint(third, 4, "m3", "m4");
            assertThat(third.jobStatus()).isEqualTo("RUNNING");
        }
    }

    @Test
    void aCheckpointThatCannotBeRestoredStopsTheStartAndNamesTheWayOut() throws Exception {
        Path broken = dataDir.resolve("checkpoints").resolve("0123456789abcdef").resolve("chk-7");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("_metadata"), "not a checkpoint");
        Files.writeString(
                dataDir.resolve("checkpoints").resolve("STATE_LAYOUT"),
                LocalStack.STATE_LAYOUT + "\n");
        int apiPort = FreePorts.pick("0.0.0.0");
        LocalStack.Options options =
                new LocalStack.Options(
                        dataDir, 0, apiPort, 0, 2, 2, Path.of("..", "flink-conf"), "local", false);

        assertThatThrownBy(() -> new LocalStack(options).start())
                .isInstanceOf(LocalStack.JobStartException.class)
                .hasMessageContaining("chk-7")
                .hasMessageContaining("make run FRESH=1");
        // Nothing is left half-started: the API's port is free again.
        try (ServerSocket again = new ServerSocket(apiPort)) {
            assertThat(again.getLocalPort()).isEqualTo(apiPort);
        }

        // FRESH=1: the checkpoints are set aside (kept), and the stack starts with empty state.
        assertThat(LocalStack.setAsideJobState(dataDir)).contains("checkpoints-set-aside-");
        try (LocalStack fresh = new LocalStack(options).start()) {
            assertThat(fresh.jobStatus()).isEqualTo("RUNNING");
            assertThat(post(fresh, "m1", "after a fresh start")).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> messageCount(fresh) == 1);
        }
        try (var aside = Files.list(dataDir)) {
            assertThat(aside.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("checkpoints-set-aside-"));
        }
    }

    @Test
    void resumesFromTheRetainedCheckpointWithExactCounts() throws Exception {
        LocalStack.Options options = StackClient.localOptions(dataDir);
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
