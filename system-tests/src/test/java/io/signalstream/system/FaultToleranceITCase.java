package io.signalstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and restart every part of a standalone cluster while messages arrive over HTTP, then check
 * that each conversation counts exactly the messages that were accepted: none lost, none twice.
 * Real processes, real {@code kill -9}, loopback only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceITCase {

    private static final Duration CONVERGE = Duration.ofMinutes(4);
    @TempDir static Path dir;
    private static ClusterProcesses cluster;
    private static final Set<String> allConversations = new HashSet<>();

    @BeforeAll
    static void startCluster() {
        cluster = new ClusterProcesses(dir);
        cluster.run("up");
        cluster.run("submit");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Waits until every conversation reached its accepted count, then checks none went beyond it.
     */
    private static void assertExactlyOnce(String scenario, Traffic traffic, long recoveryMs) {
        Map<String, Long> expected = traffic.acceptedPerConversation();
        allConversations.addAll(expected.keySet());
        try {
            await().atMost(CONVERGE)
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () ->
                                    expected.entrySet().stream()
                                            .allMatch(
                                                    e ->
                                                            traffic.messageCount(e.getKey())
                                                                    >= e.getValue()));
        } catch (ConditionTimeoutException e) {
            // fall through: the figures below say what is missing
        }
        long processed = 0;
        long lost = 0;
        long doubled = 0;
        Map<String, String> wrong = new HashMap<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long count = Math.max(0, traffic.messageCount(e.getKey()));
            processed += count;
            lost += Math.max(0, e.getValue() - count);
            doubled += Math.max(0, count - e.getValue());
            if (count != e.getValue()) {
                wrong.put(e.getKey(), count + " of " + e.getValue());
            }
        }
        System.out.printf(
                "[%s] conversations=%d accepted=%d processed=%d lost=%d double-counted=%d refused-then-retried=%d recovery=%d ms%n",
                scenario,
                expected.size(),
                traffic.totalAccepted(),
                processed,
                lost,
                doubled,
                traffic.refused.get(),
                recoveryMs);
        assertThat(wrong)
                .as(scenario + ": conversations whose count is not what was accepted")
                .isEmpty();
    }

    /** Posts one probe message and returns how long it took to show up in the view. */
    private static long probe(Traffic traffic, String conversation, long sinceNanos)
            throws Exception {
        traffic.post(conversation, conversation + "-probe", "probe");
        await().atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> traffic.messageCount(conversation) == 1);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    @Test
    @Order(1)
    void taskManagerKilledMidStream() throws Exception {
        Traffic traffic = new Traffic(cluster.apiUrl(), cluster.apiKey);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            // A rule that fires on every message, delivered to a webhook: each message of the
            // load must reach the receiver as exactly one alert, by its delivery id.
            assertThat(
                            traffic.put(
                                    "/v1/webhooks/faults",
                                    "{\"url\": \""
                                            + receiver.url()
                                            + "\", \"secret\": \""
                                            + WebhookReceiver.SECRET
                                            + "\"}"))
                    .isEqualTo(201);
            assertThat(
                            traffic.put(
                                    "/v1/rules/every-message",
                                    "{\"name\": \"Every message\", \"when\": {\"all\":"
                                            + " [{\"field\": \"message_count\", \"op\": \"gte\","
                                            + " \"value\": 1}]}, \"cooldown\": \"PT0S\","
                                            + " \"actions\": [{\"type\": \"webhook\", \"webhook\":"
                                            + " \"faults\"}]}"))
                    .isEqualTo(201);
            int[] n = {0};
            await().atMost(CONVERGE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                String c = "rule-warm-" + n[0]++;
                                traffic.post(c, c, "is the rule on?");
                                return receiver.deliveries() > 0;
                            });

            Future<?> load = traffic.start("tm", 40, 2000, Duration.ofMillis(2));
            await().atMost(CONVERGE).until(() -> traffic.totalAccepted() >= 600 + n[0]);

            long killed = System.nanoTime();
            cluster.run("kill", "taskmanager");
            cluster.run("start", "taskmanager");
            long recovery = probe(traffic, "tm-probe", killed);

            load.get(5, TimeUnit.MINUTES);
            assertThat(traffic.totalAccepted()).isEqualTo(2000 + 1 + n[0]);
            assertExactlyOnce("taskmanager kill -9", traffic, recovery);

            Set<String> expected = new HashSet<>();
            traffic.acceptedPerConversation()
                    .forEach(
                            (c, count) -> {
                                if (c.matches("tm-\\d+")) {
                                    for (long seq = 1; seq <= count; seq++) {
                                        expected.add(c + "#" + seq * 1000);
                                    }
                                }
                            });
            try {
                await().atMost(CONVERGE)
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> receiver.alerts().containsAll(expected));
            } catch (ConditionTimeoutException e) {
                // fall through: the figures below say what is missing
            }
            Set<String> load2 = new HashSet<>(receiver.alerts());
            load2.removeIf(a -> !a.matches("tm-\\d+#\\d+"));
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(load2);
            Set<String> extra = new HashSet<>(load2);
            extra.removeAll(expected);
            System.out.printf(
                    "[taskmanager kill -9, webhooks] alerts expected=%d delivered=%d missing=%d"
                            + " unexpected=%d repeated deliveries (same id, kept once)=%d bad"
                            + " signatures=%d%n",
                    expected.size(),
                    load2.size(),
                    missing.size(),
                    extra.size(),
                    receiver.repeats.get(),
                    receiver.badSignatures.get());
            assertThat(missing).as("alerts never delivered").isEmpty();
            assertThat(extra).as("alerts for messages that were not sent").isEmpty();
            assertThat(receiver.badSignatures.get()).isZero();
        } finally {
            // the scenarios after this one run without the rule
            traffic.delete("/v1/rules/every-message");
        }
    }

    @Test
    @Order(2)
    void jobManagerKilledAndJobResumedFromTheLatestCheckpoint() throws Exception {
        Traffic traffic = new Traffic(cluster.apiUrl(), cluster.apiKey);
        Future<?> load = traffic.start("jm", 40, 800, Duration.ofMillis(5));
        await().atMost(CONVERGE).until(() -> traffic.totalAccepted() >= 300);

        long killed = System.nanoTime();
        cluster.run("kill", "jobmanager");
        cluster.run("up");
        cluster.run("resume");
        long recovery = probe(traffic, "jm-probe", killed);

        load.get(5, TimeUnit.MINUTES);
        assertExactlyOnce("jobmanager kill -9 + resume", traffic, recovery);
    }

    @Test
    @Order(3)
    void kafkaRestartRefusesPostsDuringTheOutageAndLosesNothing() throws Exception {
        Traffic traffic = new Traffic(cluster.apiUrl(), cluster.apiKey);
        Future<?> load = traffic.start("kafka", 40, 600, Duration.ofMillis(5));
        await().atMost(CONVERGE).until(() -> traffic.totalAccepted() >= 200);

        long stopped = System.nanoTime();
        cluster.run("stop", "kafka");
        await().atMost(CONVERGE).until(() -> traffic.refused.get() > 0);
        cluster.run("start", "kafka");
        long recovery = probe(traffic, "kafka-probe", stopped);

        load.get(5, TimeUnit.MINUTES);
        assertThat(traffic.refused.get())
                .as("POSTs answered 503 while Kafka was down")
                .isPositive();
        assertExactlyOnce("kafka restart", traffic, recovery);
    }

    @Test
    @Order(4)
    void queryApiRestartRebuildsTheSameViewFromTheCompactedTopic() throws Exception {
        Traffic traffic = new Traffic(cluster.apiUrl(), cluster.apiKey);
        Map<String, String> before = new HashMap<>();
        for (String conversation : allConversations) {
            before.put(conversation, traffic.insights(conversation));
        }
        assertThat(before).isNotEmpty().doesNotContainValue(null);

        long killed = System.nanoTime();
        cluster.run("kill", "query-api");
        cluster.run("start", "query-api");
        await().atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () ->
                                allConversations.stream()
                                        .allMatch(c -> before.get(c).equals(traffic.insights(c))));
        long recovery = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);

        for (String conversation : allConversations) {
            assertThat(traffic.insights(conversation))
                    .as(conversation)
                    .isEqualTo(before.get(conversation));
        }
        System.out.printf(
                "[query-api kill -9] conversations=%d identical after restart, view rebuilt in %d ms%n",
                before.size(), recovery);
    }

    @Test
    @Order(5)
    void savepointCancelResumeLosesNothingAcrossTheGap() throws Exception {
        Traffic traffic = new Traffic(cluster.apiUrl(), cluster.apiKey);
        traffic.start("sp", 40, 300, Duration.ofMillis(2)).get(5, TimeUnit.MINUTES);

        String output = cluster.run("savepoint");
        Matcher path = Pattern.compile("Path: (file:\\S+)").matcher(output);
        assertThat(path.find()).as("savepoint path in:\n" + output).isTrue();
        long cancelled = System.nanoTime();
        cluster.run("cancel");

        // The gap: messages accepted while no job runs wait in Kafka
        traffic.start("sp", "sp-gap", 40, 300, Duration.ofMillis(2)).get(5, TimeUnit.MINUTES);
        cluster.run("resume", path.group(1));
        long recovery = probe(traffic, "sp-probe", cancelled);

        traffic.start("sp", "sp-after", 40, 100, Duration.ofMillis(2)).get(5, TimeUnit.MINUTES);
        assertExactlyOnce("savepoint, cancel, resume", traffic, recovery);
    }
}
