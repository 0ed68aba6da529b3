package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.IntCountsHistogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product as {@code make run} starts it: a real Kafka broker, the job on a Flink
 * MiniCluster with RocksDB and checkpoints, and the API. Messages go in over HTTP and come out as
 * intelligence on REST and WebSocket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndITCase {

    private static final ObjectMapper MAPPER = StackClient.MAPPER;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    // Removed by StackClient.removeLeniently: see there why not by JUnit.
    @TempDir(cleanup = CleanupMode.NEVER)
    static Path dataDir;

    private static final String ACME_KEY = "acme-" + java.util.UUID.randomUUID();
    private static final String DAY_KEY = "dayco-" + java.util.UUID.randomUUID();
    private static LocalStack stack;
    private static StackClient client;

    @BeforeAll
    static void start() throws Exception {
        Path flinkConf = Path.of("..", "flink-conf");
        assertThat(Files.exists(flinkConf.resolve("config.yaml"))).isTrue();
        stack =
                new LocalStack(
                                new LocalStack.Options(
                                                dataDir, 0, 0, 0, 2, 2, flinkConf, "local", false)
                                        .withApiKeys(ACME_KEY + "=acme," + DAY_KEY + "=dayco"))
                        .start();
        client = new StackClient(stack, ACME_KEY);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        StackClient.removeLeniently(dataDir);
    }

    private static HttpResponse<String> post(String json) throws Exception {
        return client.post(json);
    }

    private static HttpResponse<String> insights(String conversation) throws Exception {
        return client.insights(conversation);
    }

    private static String message(String conversation, String id, String sender, String text) {
        return StackClient.message(conversation, id, sender, text);
    }

    @Test
    @Order(1)
    void threeMessagesBecomeInsightsOnRestAndWebSocket() throws Exception {
        // Given a WebSocket client watching the conversation before anything was posted
        BlockingQueue<JsonNode> updates = new LinkedBlockingQueue<>();
        WebSocket ws =
                StackClient.frames(stack, ACME_KEY, "/ws/conversations/order-42/stream", updates);

        // When three messages are posted, one of them twice (a client retry)
        long started = System.nanoTime();
        assertThat(
                        post(message(
                                        "order-42",
                                        "m1",
                                        "customer",
                                        "My order has not arrived and my card 4111 1111 1111 1111 was charged twice. Mail me: ann@example.com"))
                                .statusCode())
                .isEqualTo(202);
        assertThat(
                        post(message(
                                        "order-42",
                                        "m2",
                                        "agent",
                                        "Sorry about that, I am looking into it now"))
                                .statusCode())
                .isEqualTo(202);
        String third =
                message("order-42", "m3", "customer", "I want a refund, this is unacceptable");
        for (int attempt = 1;
                attempt <= 2;
                attempt++) { // the second is a client retry of the same message
            assertThat(post(third).statusCode()).isEqualTo(202);
        }

        // Then the insights reflect exactly three messages from all agents
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> {
                            HttpResponse<String> res = insights("order-42");
                            if (res.statusCode() != 200) {
                                return false;
                            }
                            JsonNode n = MAPPER.readTree(res.body());
                            return n.get("message_count").asLong() == 3
                                    && n.get("agents").size() == 5
                                    && n.get("agents").findValues("seq").stream()
                                            .allMatch(s -> s.asLong() == 3);
                        });
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("POST x3 -> complete insights on REST in %d ms%n", tookMs);

        JsonNode view = MAPPER.readTree(insights("order-42").body());
        assertThat(view.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(view.get("sentiment").get("sentiment").asText()).isEqualTo("negative");
        assertThat(view.get("insights").get("intent").asText()).isEqualTo("refund_request");
        assertThat(view.get("pii").get("has_pii").asBoolean()).isTrue();
        assertThat(view.get("pii").get("entities").findValuesAsText("type"))
                .containsExactlyInAnyOrder("CREDIT_CARD", "EMAIL_ADDRESS");
        assertThat(view.get("summary").get("summary").asText())
                .doesNotContain("4111", "ann@example.com");
        assertThat(view.get("reply").get("suggested_reply").asText()).isNotBlank();
        long finalVersion = view.get("version").asLong();

        // and the WebSocket client saw the versions rise up to the same final one
        long lastSeen = 0;
        while (lastSeen < finalVersion) {
            JsonNode update = updates.poll(30, TimeUnit.SECONDS);
            assertThat(update).as("WebSocket update up to version " + finalVersion).isNotNull();
            assertThat(update.get("type").asText()).isEqualTo("intelligence_update");
            long version = update.get("data").get("version").asLong();
            assertThat(version).isGreaterThan(lastSeen);
            lastSeen = version;
        }
        assertThat(lastSeen).isEqualTo(finalVersion);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    @Order(2)
    void bothMetricsEndpointsServeTheCustomMetrics() throws Exception {
        // The messages of the first test went through both: the job's and the API's metrics
        // count them.
        String job =
                HTTP.send(
                                HttpRequest.newBuilder(URI.create(stack.flinkMetricsUrl())).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        for (String metric :
                List.of(
                        "_agentCalls",
                        "_agentLatencyMs",
                        "_agentFailures",
                        "_duplicatesDropped",
                        "_conversationsStarted",
                        "_conversationsExpired",
                        "_deadLettered",
                        "_aggregatesEmitted")) {
            assertThat(job).as(metric).contains(metric);
        }
        assertThat(job)
                .containsPattern("flink_taskmanager_job_task_operator_agentCalls\\{[^}]*\\} [1-9]");

        String api =
                HTTP.send(
                                HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        assertThat(api)
                .containsPattern(
                        "signalstream_http_requests_seconds_count\\{[^}]*route=\"/v1/messages\"[^}]*status=\"202\"[^}]*\\} [1-9]")
                .contains(
                        "signalstream_websocket_sessions",
                        "signalstream_store_conversations",
                        "signalstream_store_pending",
                        "signalstream_view_lag{view=\"aggregates\"",
                        "signalstream_view_lag{view=\"transcripts\"",
                        "signalstream_kafka_produce_seconds_count",
                        "jvm_memory_used_bytes");
    }

    @Test
    @Order(3)
    void malformedBodiesAreRefusedAndTheJobKeepsRunning() throws Exception {
        assertThat(post("{\"conversation_id\":\"x\"").statusCode()).isEqualTo(400);
        assertThat(
                        post("{\"conversation_id\":\"x\",\"sender\":\"robot\",\"channel\":\"chat\",\"message\":\"m\"}")
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        post(message("after-bad", "b1", "customer", "Thanks, all good now"))
                                .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> insights("after-bad").statusCode() == 200);
    }

    /**
     * A scripted day: 500 conversations with explicit timestamps, each a customer message, an agent
     * answer after a known delay for four in five of them, and a second customer message for one in
     * four. The day's bucket counts exactly what was posted, and its first-response percentiles are
     * those of the delays.
     */
    @Test
    @Order(3)
    void aScriptedDayIsCountedExactlyInTheTenantsAnalytics() throws Exception {
        StackClient day = new StackClient(stack, DAY_KEY);
        Instant now = Instant.now();
        Instant base = now.minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        Instant dayStart = base.truncatedTo(ChronoUnit.DAYS);
        if (!base.plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.DAYS).equals(dayStart)) {
            dayStart = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
            base = dayStart.plus(Duration.ofHours(23)); // all of it in yesterday's bucket
        }
        String[] openers = {
            "I was charged twice this month",
            "My parcel never arrived, where is it?",
            "I cannot log in to my account",
            "I want to cancel my subscription",
            "Thanks, the new feature is great"
        };
        IntCountsHistogram delays = new IntCountsHistogram(7 * 86_400_000L, 2);
        int customers = 0;
        int agents = 0;
        for (int i = 0; i < 500; i++) {
            String c = "day-" + i;
            Instant start = base.plusSeconds(i);
            assertThat(day.post(timed(c, "m1", "customer", openers[i % 5], start)).statusCode())
                    .isEqualTo(202);
            customers++;
            if (i % 5 != 0) {
                long delay = (i % 10 + 1) * 5_000L;
                delays.recordValue(delay);
                assertThat(
                                day.post(
                                                timed(
                                                        c,
                                                        "m2",
                                                        "agent",
                                                        "Sorry about that, let me check",
                                                        start.plusMillis(delay)))
                                        .statusCode())
                        .isEqualTo(202);
                agents++;
            }
            if (i % 4 == 0) {
                assertThat(
                                day.post(
                                                timed(
                                                        c,
                                                        "m3",
                                                        "customer",
                                                        "Any news on this?",
                                                        start.plusSeconds(60)))
                                        .statusCode())
                        .isEqualTo(202);
                customers++;
            }
        }
        int messages = customers + agents;
        String query =
                "/v1/analytics?granularity=day&from="
                        + dayStart
                        + "&to="
                        + dayStart.plus(Duration.ofDays(1));
        JsonNode[] bucket = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            JsonNode buckets =
                                    MAPPER.readTree(day.get(query).body()).path("buckets");
                            bucket[0] = buckets.isEmpty() ? null : buckets.get(0);
                            return bucket[0] != null
                                    && bucket[0].path("messages").asLong() >= messages;
                        });
        JsonNode b = bucket[0];
        assertThat(b.path("tenant_id").asText()).isEqualTo("dayco");
        assertThat(b.path("start").asText()).isEqualTo(dayStart.toString());
        assertThat(b.path("messages").asLong()).isEqualTo(messages);
        assertThat(b.path("conversations_started").asLong()).isEqualTo(500);
        assertThat(b.path("conversations_active").asLong()).isEqualTo(500);
        assertThat(b.path("messages_by_sender").path("customer").asLong()).isEqualTo(customers);
        assertThat(b.path("messages_by_sender").path("agent").asLong()).isEqualTo(agents);
        long sentiments = 0;
        for (JsonNode n : b.path("sentiment")) {
            sentiments += n.asLong();
        }
        assertThat(sentiments).isEqualTo(customers);
        long intents = 0;
        for (JsonNode n : b.path("intents")) {
            intents += n.asLong();
        }
        assertThat(intents).isEqualTo(customers);
        JsonNode first = b.path("first_response_ms");
        assertThat(first.path("count").asLong()).isEqualTo(agents);
        assertThat(first.path("p50").asLong()).isEqualTo(delays.getValueAtPercentile(50));
        assertThat(first.path("p90").asLong()).isEqualTo(delays.getValueAtPercentile(90));
        assertThat(first.path("p99").asLong()).isEqualTo(delays.getValueAtPercentile(99));
        assertThat(b.path("response_ms").path("count").asLong()).isEqualTo(agents);
        assertThat(b.path("predicted_csat_mean").asDouble()).isBetween(1.0, 5.0);

        // and each conversation's aggregate carries its own response times
        JsonNode ops = MAPPER.readTree(day.insights("day-7").body()).path("operations");
        assertThat(ops.path("first_response_ms").asLong()).isEqualTo(40_000);
        assertThat(ops.path("waiting_since").isNull()).isTrue();
        JsonNode waiting = MAPPER.readTree(day.insights("day-0").body()).path("operations");
        assertThat(waiting.path("waiting_since").asText()).isEqualTo(base.toString());
    }

    private static String timed(
            String conversation, String id, String sender, String text, Instant at) {
        String json = message(conversation, id, sender, text);
        return json.substring(0, json.length() - 1) + ",\"timestamp\":\"" + at + "\"}";
    }

    @Test
    @Order(4)
    void withTheBrokerDownAPostIsRefusedWith503() throws Exception {
        stack.kafka().stop();
        HttpResponse<String> res = post(message("outage", "o1", "customer", "Is anyone there?"));
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).isPresent();
        assertThat(res.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }
}
