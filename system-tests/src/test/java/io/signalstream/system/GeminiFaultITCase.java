package io.signalstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.local.FakeGemini;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never paying twice, on a standalone cluster with the {@code gemini} provider (pointed at {@link
 * FakeGemini}): a TaskManager killed with {@code kill -9} mid-stream restarts from the last
 * checkpoint and processes again everything after it, and no message whose answer was paid for
 * (kept on {@code support.llm.answers}) before the kill is sent to the model again.
 */
class GeminiFaultITCase {

    private static final Duration CONVERGE = Duration.ofMinutes(4);
    private static final int CONVERSATIONS = 10;
    private static final int MESSAGES = 400;
    private static final String PREFIX = "gk";

    /** Traffic's text: "message N about my order, please help", N over all conversations. */
    private static final Pattern MESSAGE = Pattern.compile("message (\\d+) about my order");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Pattern REUSED =
            Pattern.compile("(?m)_gemini_answersReused\\{[^}]*} ([0-9.E+-]+)$");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER)
    static Path dir;

    private static ClusterProcesses cluster;
    private static FakeGemini gemini;

    @BeforeAll
    static void startCluster() throws Exception {
        String key = "fault-key-" + UUID.randomUUID();
        gemini = new FakeGemini(key, Duration.ofMillis(100), 0);
        cluster = new ClusterProcesses(dir);
        cluster.run("up");
        cluster.run(
                "submit",
                "--ai-provider",
                "gemini",
                "--gemini-api-key",
                key,
                "--gemini-base-url",
                gemini.baseUrl(),
                // analyses only: no summary of a quiet conversation during the test
                "--gemini-summary-quiet-ms",
                "3600000");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    @Test
    void aTaskManagerKilledMidStreamAsksTheModelNothingItWasAlreadyAnswered() throws Exception {
        Traffic traffic = new Traffic(cluster.apiUrl(), cluster.apiKey);
        Future<?> load = traffic.start(PREFIX, CONVERSATIONS, MESSAGES, Duration.ofMillis(100));
        // Killed just after a checkpoint, with at least 20 answers paid for since it: those
        // messages are processed again after the restart.
        String jobId = cluster.jobId();
        long first = latestCheckpoint(jobId);
        await().atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> latestCheckpoint(jobId) > Math.max(first, 0));
        long checkpointed = System.nanoTime();
        await().atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () ->
                                gemini.requests().stream()
                                                .filter(r -> r.receivedNanos() > checkpointed)
                                                .filter(r -> r.status() == 200)
                                                .count()
                                        >= 20);

        long killedNanos = System.nanoTime();
        long killedMillis = System.currentTimeMillis();
        cluster.run("kill", "taskmanager");
        cluster.run("start", "taskmanager");
        load.get(5, TimeUnit.MINUTES);

        // Every message counted, and every conversation's last message answered by the model.
        Map<String, Long> accepted = traffic.acceptedPerConversation();
        assertThat(accepted).hasSize(CONVERSATIONS);
        await().atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                accepted.entrySet().stream()
                                        .allMatch(
                                                e ->
                                                        traffic.messageCount(e.getKey())
                                                                == e.getValue()));
        Map<String, Long> keptAt = new HashMap<>();
        List<String> lastMessages =
                accepted.entrySet().stream().map(e -> e.getKey() + "#" + e.getValue()).toList();
        try {
            await().atMost(CONVERGE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                keptAt.putAll(keptAnswers());
                                return keptAt.keySet().containsAll(lastMessages);
                            });
        } catch (ConditionTimeoutException e) {
            // fall through: the assertion says what is missing
        }
        assertThat(keptAt.keySet())
                .as("answers kept for each conversation's last message")
                .containsAll(lastMessages);

        Set<String> paidBeforeKill = new HashSet<>();
        keptAt.forEach(
                (message, at) -> {
                    if (at < killedMillis) {
                        paidBeforeKill.add(message);
                    }
                });
        List<String> askedAfterKill = new ArrayList<>();
        for (FakeGemini.Request r : gemini.requests()) {
            if (r.receivedNanos() > killedNanos) {
                askedAfterKill.add(lastMessage(r.transcript()));
            }
        }
        List<String> askedAgain = askedAfterKill.stream().filter(paidBeforeKill::contains).toList();
        long reused = answersReused();
        System.out.printf(
                "[taskmanager kill -9, gemini] model requests=%d (after the kill %d), answers kept"
                        + " before the kill=%d, re-used after the restart=%d, asked again=%d%n",
                gemini.requests().size(),
                askedAfterKill.size(),
                paidBeforeKill.size(),
                reused,
                askedAgain.size());
        assertThat(askedAfterKill)
                .as("the job called the model again after the restart")
                .isNotEmpty();
        assertThat(reused)
                .as("messages processed again after the restart took their kept answers")
                .isPositive();
        assertThat(askedAgain).as("messages answered before the kill, asked again").isEmpty();
    }

    /**
     * The conversation and seq ({@code gk-3#5}) of the newest message a request's transcript
     * carries: Traffic's message N is the (N / conversations + 1)-th of conversation N %
     * conversations.
     */
    private static String lastMessage(String transcript) {
        Matcher m = MESSAGE.matcher(transcript);
        int n = -1;
        while (m.find()) {
            n = Integer.parseInt(m.group(1));
        }
        assertThat(n).as("a traffic message in " + transcript).isNotNegative();
        return PREFIX + "-" + (n % CONVERSATIONS) + "#" + (n / CONVERSATIONS + 1);
    }

    /** Each analysis kept on {@code support.llm.answers} ({@code gk-3#5}) and when. */
    private static Map<String, Long> keptAnswers() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + cluster.kafkaPort);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> kept = new HashMap<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(Topics.LLM_ANSWERS).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    // tenant/conversation#seq#prompt#model
                    String[] parts = r.key().split("#");
                    String conversation = parts[0].substring(parts[0].indexOf('/') + 1);
                    kept.merge(conversation + "#" + parts[1], r.timestamp(), Math::min);
                }
            }
        }
        return kept;
    }

    /** The id of the job's latest completed checkpoint; 0 for none. */
    private static long latestCheckpoint(String jobId) throws Exception {
        return get(cluster.flinkUrl() + "/jobs/" + jobId + "/checkpoints")
                .path("latest")
                .path("completed")
                .path("id")
                .asLong(0);
    }

    /**
     * The job's {@code answersReused} counters, summed over its subtasks, as the TaskManager's
     * Prometheus reporter serves them (ports 9249–9259, flink-conf/config.yaml); -1 when none
     * serves them.
     */
    private static long answersReused() {
        long total = -1;
        for (int port = 9249; port <= 9259; port++) {
            String body;
            try {
                body =
                        HTTP.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + port
                                                                        + "/metrics"))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
            } catch (Exception e) {
                continue; // nothing serves there
            }
            Matcher m = REUSED.matcher(body);
            while (m.find()) {
                total = Math.max(total, 0) + (long) Double.parseDouble(m.group(1));
            }
        }
        return total;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> res =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(url + ": " + res.body()).isEqualTo(200);
        return Json.newMapper().readTree(res.body());
    }
}
