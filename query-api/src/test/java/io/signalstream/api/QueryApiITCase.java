package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Json;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

/** The API against a real Kafka broker: ingest, the view, the WebSocket stream and health. */
class QueryApiITCase {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EmbeddedKafka kafka;
    private static QueryApi api;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
        api = QueryApi.local(kafka.bootstrapServers(), 0).start();
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(props);
    }

    @AfterAll
    static void stop() {
        producer.close();
        api.stop();
        kafka.close();
    }

    private static HttpResponse<String> post(String body, String tenant, String contentType)
            throws Exception {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.port() + "/v1/messages"))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (tenant != null) {
            req.header("X-Tenant-ID", tenant);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String tenant) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("X-Tenant-ID", tenant)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void publish(AggregatedIntelligence a) throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                Topics.AI_AGGREGATED,
                                a.key().getBytes(StandardCharsets.UTF_8),
                                MAPPER.writeValueAsBytes(a)))
                .get();
    }

    private static AggregatedIntelligence aggregate(
            String tenant, String conversation, long version) {
        return new AggregatedIntelligence(
                tenant,
                conversation,
                version,
                version,
                null,
                null,
                null,
                null,
                new ReplyResult("reply v" + version),
                Map.of(),
                Instant.parse("2026-01-15T10:00:00Z"));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readRaw(int atLeast) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts =
                    List.of(
                            new TopicPartition(Topics.MESSAGES_RAW, 0),
                            new TopicPartition(Topics.MESSAGES_RAW, 1));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                                return out.size() >= atLeast;
                            });
        }
        return out;
    }

    @Test
    void acceptedMessageIsInKafkaWithTheTenantFromTheHeaderNotTheBody() throws Exception {
        HttpResponse<String> res =
                post(
                        """
                {"conversation_id":"conv-1","sender":"customer","channel":"chat","message":"Hello there",
                 "message_id":"client-key-1","tenant_id":"someone-else","metadata":{"locale":"en"}}""",
                        "acme",
                        "application/json");

        assertThat(res.statusCode()).isEqualTo(202);
        JsonNode body = MAPPER.readTree(res.body());
        assertThat(body.get("message_id").asText()).isEqualTo("client-key-1");
        assertThat(body.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(body.get("conversation_id").asText()).isEqualTo("conv-1");
        assertThat(body.has("timestamp")).isTrue();

        ConsumerRecord<byte[], byte[]> record =
                readRaw(1).stream()
                        .filter(
                                r ->
                                        new String(
                                                        r.headers()
                                                                .lastHeader("message_id")
                                                                .value(),
                                                        StandardCharsets.UTF_8)
                                                .equals("client-key-1"))
                        .findFirst()
                        .orElseThrow();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("acme/conv-1");
        assertThat(
                        new String(
                                record.headers().lastHeader("tenant_id").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("acme");
        SupportMessage written = MAPPER.readValue(record.value(), SupportMessage.class);
        assertThat(written.tenantId()).isEqualTo("acme");
        assertThat(written.message()).isEqualTo("Hello there");
        assertThat(written.metadata()).containsEntry("locale", "en");
    }

    @Test
    void withoutTenantHeaderTheDefaultTenantAndAServerIdAreUsed() throws Exception {
        HttpResponse<String> res =
                post(
                        "{\"conversation_id\":\"conv-2\",\"sender\":\"agent\",\"channel\":\"email\",\"message\":\"Hi\"}",
                        null,
                        "application/json; charset=UTF-8");
        assertThat(res.statusCode()).isEqualTo(202);
        JsonNode body = MAPPER.readTree(res.body());
        assertThat(body.get("tenant_id").asText()).isEqualTo("demo-tenant");
        assertThat(body.get("message_id").asText()).hasSize(36);
    }

    @Test
    void badBodiesAreAnsweredWithProblemJsonNamingTheField() throws Exception {
        record Case(String body, String mentions) {}
        List<Case> cases =
                List.of(
                        new Case("{not json", "not valid JSON"),
                        new Case("[]", "JSON object"),
                        new Case("null", "JSON object"),
                        new Case(
                                "{\"conversation_id\":\"c\",\"sender\":\"robot\",\"channel\":\"chat\",\"message\":\"x\"}",
                                "sender"),
                        new Case(
                                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"fax\",\"message\":\"x\"}",
                                "channel"),
                        new Case(
                                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":5}",
                                "message"),
                        new Case(
                                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"x\",\"timestamp\":\"yesterday\"}",
                                "timestamp"),
                        new Case(
                                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"x\",\"metadata\":{\"a\":true}}",
                                "metadata"),
                        new Case(
                                "{\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"x\"}",
                                "conversation_id"),
                        new Case(
                                "{\"conversation_id\":\"a/b\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"x\"}",
                                "conversation_id"),
                        new Case(
                                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"   \"}",
                                "message"));
        for (Case c : cases) {
            HttpResponse<String> res = post(c.body(), "acme", "application/json");
            assertThat(res.statusCode()).as(c.body()).isEqualTo(400);
            assertThat(res.headers().firstValue("Content-Type"))
                    .as(c.body())
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode problem = MAPPER.readTree(res.body());
            assertThat(problem.get("status").asInt()).isEqualTo(400);
            assertThat(problem.get("detail").asText()).as(c.body()).contains(c.mentions());
        }
        assertThat(
                        post("conversation_id=c", "acme", "application/x-www-form-urlencoded")
                                .statusCode())
                .isEqualTo(415);
    }

    @Test
    void insightsShowTheHighestVersionAndNeverMoveBackwards() throws Exception {
        assertThat(get("/v1/conversations/conv-view/insights", "acme").statusCode()).isEqualTo(404);

        publish(aggregate("acme", "conv-view", 2));
        publish(aggregate("acme", "conv-view", 1)); // a replayed, older aggregate

        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                get("/v1/conversations/conv-view/insights", "acme").statusCode()
                                        == 200);
        publish(aggregate("acme", "conv-view", 0));
        publish(aggregate("acme", "marker", 1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/v1/conversations/marker/insights", "acme").statusCode() == 200);

        JsonNode view = MAPPER.readTree(get("/v1/conversations/conv-view/insights", "acme").body());
        assertThat(view.get("version").asLong()).isEqualTo(2);
        assertThat(view.get("reply").get("suggested_reply").asText()).isEqualTo("reply v2");
        // Another tenant's conversation of the same id does not exist for this caller
        assertThat(get("/v1/conversations/conv-view/insights", "globex").statusCode())
                .isEqualTo(404);
    }

    @Test
    void webSocketGetsTheSnapshotThenEveryNewerVersion() throws Exception {
        publish(aggregate("acme", "conv-ws", 1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/v1/conversations/conv-ws/insights", "acme").statusCode() == 200);

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws =
                HTTP.newWebSocketBuilder()
                        .header("X-Tenant-ID", "acme")
                        .buildAsync(
                                URI.create(
                                        "ws://127.0.0.1:"
                                                + api.port()
                                                + "/ws/conversations/conv-ws/stream"),
                                new WebSocket.Listener() {
                                    private final StringBuilder text = new StringBuilder();

                                    @Override
                                    public CompletionStage<?> onText(
                                            WebSocket socket, CharSequence data, boolean last) {
                                        text.append(data);
                                        if (last) {
                                            received.add(text.toString());
                                            text.setLength(0);
                                        }
                                        socket.request(1);
                                        return null;
                                    }
                                })
                        .get(10, TimeUnit.SECONDS);
        try {
            JsonNode snapshot = MAPPER.readTree(received.poll(10, TimeUnit.SECONDS));
            assertThat(snapshot.get("type").asText()).isEqualTo("intelligence_update");
            assertThat(snapshot.get("data").get("version").asLong()).isEqualTo(1);

            publish(aggregate("acme", "conv-ws", 2));
            JsonNode update = MAPPER.readTree(received.poll(10, TimeUnit.SECONDS));
            assertThat(update.get("data").get("version").asLong()).isEqualTo(2);
            assertThat(update.get("data").get("conversation_id").asText()).isEqualTo("conv-ws");
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void readinessReportsKafkaAndTheView() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/health/ready", "acme").statusCode() == 200);
        JsonNode ready = MAPPER.readTree(get("/health/ready", "acme").body());
        assertThat(ready.get("kafka").asText()).isEqualTo("reachable");
        assertThat(ready.get("view").asText()).isEqualTo("caught_up");
        assertThat(get("/health", "acme").statusCode()).isEqualTo(200);
    }
}
