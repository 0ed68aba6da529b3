package io.signalstream.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.signalstream.api.webhooks.Signature;
import io.signalstream.model.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * POST → signed webhook received, open loop: a rule that fires on every customer message delivers
 * to a receiver on this machine; each message starts its own conversation, so each webhook names
 * the message it answers. Latency runs from the message's intended send time; a webhook not
 * received by the deadline counts at the deadline. The receiver checks every signature.
 *
 * <p>The alert's arrival on the alerts topic is timed too (a reader of its own, latest offsets), so
 * the figure splits into the job's part (POST → alert readable on Kafka) and the delivery's.
 */
final class WebhookBench implements AutoCloseable {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String SECRET = "bench-webhook-secret-0123456789";

    private final ApiClient client;
    private final HttpServer receiver;
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final java.util.Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> onKafka = new ConcurrentHashMap<>();
    private final Map<String, Long> aggregated = new ConcurrentHashMap<>();
    private final String alertsTopic;
    private final KafkaConsumer<byte[], byte[]> alerts;
    private final Thread alertReader;

    WebhookBench(
            String api, String key, String bootstrap, String alertsTopic, String aggregatesTopic)
            throws IOException {
        this.client =
                new ApiClient(
                        api,
                        key,
                        HttpClient.newBuilder()
                                .executor(Executors.newVirtualThreadPerTaskExecutor())
                                .build());
        this.alertsTopic = alertsTopic;
        alerts =
                new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                bootstrap,
                                "group.id",
                                "bench-alert-timer",
                                "auto.offset.reset",
                                "latest",
                                "enable.auto.commit",
                                "false"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
        alerts.subscribe(List.of(alertsTopic, aggregatesTopic));
        alertReader =
                Thread.ofPlatform().name("bench-alert-timer").daemon().start(this::readAlerts);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext(
                "/hook",
                exchange -> {
                    long at = System.nanoTime();
                    connections.add(exchange.getRemoteAddress().getPort());
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                    received.incrementAndGet();
                    String signature = exchange.getRequestHeaders().getFirst(Signature.HEADER);
                    if (signature == null
                            || !Signature.verify(
                                    SECRET, signature, body, Instant.now().getEpochSecond(), 300)) {
                        badSignatures.incrementAndGet();
                        return;
                    }
                    JsonNode alert = MAPPER.readTree(body).path("alert");
                    arrived.putIfAbsent(alert.path("conversation_id").asText(), at);
                });
        receiver.start();
    }

    private void readAlerts() {
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : alerts.poll(Duration.ofMillis(100))) {
                    long at = System.nanoTime();
                    if (r.value() != null) {
                        (r.topic().equals(alertsTopic) ? onKafka : aggregated)
                                .putIfAbsent(
                                        MAPPER.readTree(r.value()).path("conversation_id").asText(),
                                        at);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            alerts.close();
        }
    }

    private static String message(String conversation) {
        return Corpus.post(
                conversation,
                conversation + "-m",
                true,
                "Where is my order? It was due yesterday.");
    }

    /** The webhook and a rule firing on every customer message; returns once it delivers. */
    void setUp() throws Exception {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        HttpResponse<String> hook =
                client.send(
                        "PUT",
                        "/v1/webhooks/bench",
                        "{\"url\":\"" + url + "\",\"secret\":\"" + SECRET + "\"}");
        if (hook.statusCode() / 100 != 2) {
            throw new IllegalStateException("webhook not created: " + hook.body());
        }
        HttpResponse<String> rule =
                client.send(
                        "PUT",
                        "/v1/rules/bench-every-message",
                        "{\"name\":\"Every customer message\",\"when\":{\"all\":[{\"field\":"
                                + "\"message_count\",\"op\":\"gte\",\"value\":1}]},"
                                + "\"cooldown\":\"PT0S\",\"severity\":\"low\","
                                + "\"actions\":[{\"type\":\"webhook\",\"webhook\":\"bench\"}]}");
        if (rule.statusCode() / 100 != 2) {
            throw new IllegalStateException("rule not created: " + rule.body());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (int i = 0; arrived.isEmpty(); i++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no webhook arrived within 90 s of the rule");
            }
            client.send("POST", "/v1/messages", message("wh-warm-" + i));
            Thread.sleep(500);
        }
    }

    /**
     * Removes the rule and the webhook, so the runs after this one measure the data path without an
     * alert and a delivery for every message.
     */
    void tearDown() throws Exception {
        for (String path : List.of("/v1/rules/bench-every-message", "/v1/webhooks/bench")) {
            HttpResponse<String> res = client.send("DELETE", path, "");
            if (res.statusCode() / 100 != 2) {
                throw new IllegalStateException(path + " not deleted: " + res.body());
            }
        }
    }

    /** One open-loop run at {@code rate} messages a second. */
    ObjectNode run(String name, double rate, int seconds, Duration drain) throws Exception {
        int n = (int) Math.round(rate * seconds);
        long interval = Math.round(1e9 / rate);
        long[] intended = new long[n];
        java.util.concurrent.atomic.AtomicLongArray accepted =
                new java.util.concurrent.atomic.AtomicLongArray(n);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime() + Duration.ofMillis(200).toNanos();
        for (int i = 0; i < n; i++) {
            int index = i;
            intended[i] = start + i * interval;
            long wait = intended[i] - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            client.postAsync("/v1/messages", message(name + "-" + i))
                    .whenComplete(
                            (res, e) -> {
                                accepted.set(index, System.nanoTime());
                                if (e != null || res.statusCode() != 202) {
                                    errors.incrementAndGet();
                                }
                            });
        }
        long deadline = intended[n - 1] + drain.toNanos();
        while (System.nanoTime() < deadline && !allArrived(name, n)) {
            Thread.sleep(20);
        }
        Histogram latency = new Histogram(drain.toMillis() * 1000 + 60_000_000L, 3);
        Histogram toKafka = new Histogram(drain.toMillis() * 1000 + 60_000_000L, 3);
        Histogram toAggregate = new Histogram(drain.toMillis() * 1000 + 60_000_000L, 3);
        Histogram toAccepted = new Histogram(drain.toMillis() * 1000 + 60_000_000L, 3);
        int unseen = 0;
        for (int i = 0; i < n; i++) {
            Long at = arrived.get(name + "-" + i);
            if (at == null) {
                unseen++;
                at = deadline;
            }
            latency.recordValue(Math.max(0, (at - intended[i]) / 1000));
            long written = onKafka.getOrDefault(name + "-" + i, deadline);
            toKafka.recordValue(Math.max(0, (written - intended[i]) / 1000));
            long analysed = aggregated.getOrDefault(name + "-" + i, deadline);
            toAggregate.recordValue(Math.max(0, (analysed - intended[i]) / 1000));
            long acked = accepted.get(i) == 0 ? deadline : accepted.get(i);
            toAccepted.recordValue(Math.max(0, (acked - intended[i]) / 1000));
        }
        ObjectNode result = MAPPER.createObjectNode();
        result.put("rate", rate);
        result.put("seconds", seconds);
        result.put("webhook_p50_ms", latency.getValueAtPercentile(50) / 1000.0);
        result.put("webhook_p99_ms", latency.getValueAtPercentile(99) / 1000.0);
        result.put("webhook_max_ms", latency.getMaxValue() / 1000.0);
        result.put("post_202_p50_ms", toAccepted.getValueAtPercentile(50) / 1000.0);
        result.put("post_202_p99_ms", toAccepted.getValueAtPercentile(99) / 1000.0);
        result.put("aggregate_on_kafka_p50_ms", toAggregate.getValueAtPercentile(50) / 1000.0);
        result.put("aggregate_on_kafka_p99_ms", toAggregate.getValueAtPercentile(99) / 1000.0);
        result.put("alert_on_kafka_p50_ms", toKafka.getValueAtPercentile(50) / 1000.0);
        result.put("alert_on_kafka_p99_ms", toKafka.getValueAtPercentile(99) / 1000.0);
        result.put("samples", n);
        result.put("unseen_at_deadline", unseen);
        result.put("post_errors", errors.get());
        result.put("bad_signatures", badSignatures.get());
        result.put("received", received.get());
        result.put("receiver_connections", connections.size());
        return result;
    }

    private boolean allArrived(String name, int n) {
        for (int i = n - 1; i >= 0; i--) {
            if (!arrived.containsKey(name + "-" + i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        alerts.wakeup();
        receiver.stop(0);
    }
}
