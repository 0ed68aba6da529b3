package io.signalstream.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.signalstream.api.book.KafkaTenantBook;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deliveries on a real broker to real HTTP receivers: signed, in order per conversation, retried
 * with backoff while a receiver fails, dead-lettered when it never answers, every attempt logged.
 */
class WebhookDelivererITCase {

    private static final String SECRET = "a-secret-of-enough-length";
    private static EmbeddedKafka kafka;
    private static HttpServer receiver;

    /** What each receiver path was sent: body and headers. */
    record Received(String path, String body, String signature, String delivery) {}

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext(
                "/",
                exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    int call =
                            CALLS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    RECEIVED.add(
                            new Received(
                                    path,
                                    new String(body, StandardCharsets.UTF_8),
                                    exchange.getRequestHeaders().getFirst(Signature.HEADER),
                                    exchange.getRequestHeaders()
                                            .getFirst(Signature.DELIVERY_HEADER)));
                    int status =
                            switch (path) {
                                case "/ok" -> 204;
                                case "/flaky" -> call <= 2 ? 503 : 200;
                                default -> 500;
                            };
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        kafka.close();
    }

    private static Properties client() {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return client;
    }

    private static ObjectNode webhook(String path) {
        return Json.newMapper()
                .createObjectNode()
                .put("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + path)
                .put("secret", SECRET);
    }

    private static String alert(String id, String conversation, String... webhooks) {
        return """
                {"id": "%s", "rule_id": "r1", "rule_name": "R", "tenant_id": "acme",
                 "conversation_id": "%s", "severity": "high", "triggered_at": "%s",
                 "aggregate_version": 1000, "trigger": "message", "backfill": false,
                 "webhooks": %s}"""
                .formatted(
                        id,
                        conversation,
                        Instant.now(),
                        Json.newMapper().valueToTree(List.of(webhooks)));
    }

    @Test
    void signedInOrderRetriedThenDeadLetteredAndLogged() throws Exception {
        try (KafkaTenantBook hooks =
                        new KafkaTenantBook(client(), Topics.WEBHOOKS, Duration.ofSeconds(10), 20)
                                .start();
                DeliveryLog log =
                        new DeliveryLog(client(), Topics.WEBHOOK_DELIVERIES, Topics.DLQ)) {
            hooks.put("acme", "ok", webhook("/ok"));
            hooks.put("acme", "flaky", webhook("/flaky"));
            hooks.put("acme", "down", webhook("/down"));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(
                            client(), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String[] a :
                        List.of(
                                new String[] {"A1", "c1", alert("A1", "c1", "ok", "flaky")},
                                new String[] {"A2", "c1", alert("A2", "c1", "flaky")},
                                new String[] {"A3", "c2", alert("A3", "c2", "down")},
                                new String[] {"A4", "c3", alert("A4", "c3", "missing")},
                                new String[] {"A5", "c4", "not json"})) {
                    producer.send(
                                    new ProducerRecord<>(
                                            Topics.ALERTS,
                                            ("acme/" + a[1]).getBytes(StandardCharsets.UTF_8),
                                            a[2].getBytes(StandardCharsets.UTF_8)))
                            .get();
                }
            }
            WebhookDeliverer.Settings settings =
                    new WebhookDeliverer.Settings(
                            Duration.ofSeconds(2),
                            Duration.ofMillis(100),
                            Duration.ofMillis(400),
                            Duration.ofSeconds(3),
                            100);
            try (WebhookDeliverer deliverer =
                    new WebhookDeliverer(
                                    client(),
                                    Topics.ALERTS,
                                    "webhooks-test",
                                    hooks,
                                    new AddressGuard(Set.of("loopback")),
                                    settings,
                                    log)
                            .start()) {
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () ->
                                        deliverer.waiting() == 0
                                                && RECEIVED.stream()
                                                                .filter(
                                                                        r ->
                                                                                r.path()
                                                                                        .equals(
                                                                                                "/flaky"))
                                                                .count()
                                                        == 4
                                                && log.of("acme", "down").stream()
                                                        .anyMatch(
                                                                e ->
                                                                        e.get("status")
                                                                                .asText()
                                                                                .equals(
                                                                                        "dead_letter")));
            }
            // ok: once, signed with the webhook's secret, with the stable delivery id
            List<Received> ok = RECEIVED.stream().filter(r -> r.path().equals("/ok")).toList();
            assertThat(ok).hasSize(1);
            assertThat(ok.get(0).delivery()).isEqualTo(Signature.deliveryId("A1", "ok"));
            assertThat(
                            Signature.verify(
                                    SECRET,
                                    ok.get(0).signature(),
                                    ok.get(0).body().getBytes(StandardCharsets.UTF_8),
                                    Instant.now().getEpochSecond(),
                                    300))
                    .isTrue();
            JsonNode body = Json.newMapper().readTree(ok.get(0).body());
            assertThat(body.get("type").asText()).isEqualTo("alert");
            assertThat(body.get("alert").get("id").asText()).isEqualTo("A1");
            assertThat(body.get("alert").get("conversation_id").asText()).isEqualTo("c1");
            assertThat(body.get("alert").has("webhooks")).isFalse();

            // flaky: A1 three times (two 503s), and A2 only after A1 went through; one id each
            List<String> flaky =
                    RECEIVED.stream()
                            .filter(r -> r.path().equals("/flaky"))
                            .map(r -> r.delivery())
                            .toList();
            String a1 = Signature.deliveryId("A1", "flaky");
            String a2 = Signature.deliveryId("A2", "flaky");
            assertThat(flaky).containsExactly(a1, a1, a1, a2);
            List<String> statuses = new ArrayList<>();
            log.of("acme", "flaky")
                    .reversed()
                    .forEach(e -> statuses.add(e.get("attempt") + " " + e.get("status").asText()));
            assertThat(statuses)
                    .containsExactly("1 failed", "2 failed", "3 delivered", "1 delivered");

            // down: retried until given up, then a dead letter with the reason
            List<ObjectNode> down = log.of("acme", "down");
            assertThat(down.size()).isGreaterThan(2);
            assertThat(down.get(0).get("status").asText()).isEqualTo("dead_letter");
            assertThat(down.get(0).get("error").asText()).contains("500", "given up");
            assertThat(log.of("acme", "missing").get(0).get("error").asText())
                    .contains("no webhook");
            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters();
            assertThat(dead)
                    .extracting(
                            r ->
                                    new String(
                                            r.headers().lastHeader("webhook.id").value(),
                                            StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("down", "missing");
            assertThat(dead)
                    .allMatch(
                            r ->
                                    new String(
                                                    r.headers().lastHeader("error.stage").value(),
                                                    StandardCharsets.UTF_8)
                                            .equals("webhook"));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        client(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.DLQ)
                    .forEach(p -> parts.add(new TopicPartition(Topics.DLQ, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
