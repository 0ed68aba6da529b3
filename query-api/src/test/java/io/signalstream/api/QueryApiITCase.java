package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Channel;
import io.signalstream.model.Json;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.Sender;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Topics;
import io.signalstream.model.TranscriptEntry;
import java.io.ByteArrayInputStream;
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
    static final String ACME_KEY = "acme-key-" + java.util.UUID.randomUUID();
    static final String DEMO_KEY = "demo-key-" + java.util.UUID.randomUUID();
    static final String GLOBEX_KEY = "globex-key-" + java.util.UUID.randomUUID();
    static final ApiKeys KEYS =
            ApiKeys.parse(
                    ACME_KEY + "=acme," + DEMO_KEY + "=demo-tenant," + GLOBEX_KEY + "=globex");
    private static EmbeddedKafka kafka;
    private static QueryApi api;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 2);
        api =
                QueryApi.local(
                                ApiSettings.local(
                                        kafka.bootstrapServers(),
                                        KEYS,
                                        TestDirs.create("query-store")),
                                0)
                        .start();
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
        return post(HttpRequest.BodyPublishers.ofString(body), tenant, contentType);
    }

    private static HttpResponse<String> post(
            HttpRequest.BodyPublisher body, String tenant, String contentType) throws Exception {
        return raw(
                request("/v1/messages")
                        .header("Content-Type", contentType)
                        .header("Authorization", "Bearer " + keyOf(tenant))
                        .POST(body));
    }

    private static HttpResponse<String> get(String path, String tenant) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Authorization", "Bearer " + keyOf(tenant))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Publishes an aggregate as the job does, with its version header. */
    private static void publish(AggregatedIntelligence a) throws Exception {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(
                        Topics.AI_AGGREGATED,
                        a.key().getBytes(StandardCharsets.UTF_8),
                        MAPPER.writeValueAsBytes(a));
        record.headers()
                .add(
                        AggregatedIntelligence.HEADER_VERSION,
                        Long.toString(a.version()).getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    static String keyOf(String tenant) {
        return switch (tenant == null ? "demo-tenant" : tenant) {
            case "acme" -> ACME_KEY;
            case "globex" -> GLOBEX_KEY;
            default -> DEMO_KEY;
        };
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
                Instant.parse("2026-01-15T10:00:00Z").plusSeconds(version),
                List.of());
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
    void acceptedMessageIsInKafkaWithTheTenantOfTheKeyNotTheBody() throws Exception {
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
    void withoutMessageIdTheServerMakesOne() throws Exception {
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
                stream(
                        HTTP.newWebSocketBuilder().subprotocols("bearer", ACME_KEY),
                        "ws://127.0.0.1:" + api.port() + "/ws/conversations/conv-ws/stream",
                        received);
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
    void readinessReportsKafkaAndEveryView() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/health/ready", "acme").statusCode() == 200);
        JsonNode ready = MAPPER.readTree(get("/health/ready", "acme").body());
        assertThat(ready.get("kafka").asText()).isEqualTo("reachable");
        assertThat(ready.get("views"))
                .extracting(v -> v.get("name").asText())
                .containsExactly("aggregates", "transcripts");
        assertThat(ready.get("views"))
                .allSatisfy(
                        v -> {
                            assertThat(v.get("state").asText()).isEqualTo("caught_up");
                            assertThat(v.get("lag").asLong()).isBetween(0L, 1_000_000L);
                        });
        assertThat(get("/health", "acme").statusCode()).isEqualTo(200);
    }

    /** A POST whose length the client does not declare, so it goes out chunked. */
    private static HttpResponse<String> chunked(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return post(
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)),
                "acme",
                "application/json");
    }

    private static HttpResponse<String> raw(HttpRequest.Builder req) throws Exception {
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    }

    @Test
    void everyV1CallNeedsAValidKey() throws Exception {
        String body =
                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"x\"}";
        List<HttpRequest.Builder> calls =
                List.of(
                        request("/v1/messages")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)),
                        request("/v1/conversations"),
                        request("/v1/conversations/c/insights"),
                        request("/v1/conversations/c/messages"));
        for (HttpRequest.Builder call : calls) {
            for (String authorization :
                    new String[] {null, "Bearer wrong", "Basic abc", "Bearer "}) {
                HttpRequest.Builder req = call.copy();
                if (authorization != null) {
                    req.header("Authorization", authorization);
                }
                HttpResponse<String> res = raw(req);
                assertThat(res.statusCode()).as(authorization).isEqualTo(401);
                assertThat(res.headers().firstValue("WWW-Authenticate"))
                        .hasValue("Bearer realm=\"signalstream\"");
                assertThat(res.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(
                                t -> assertThat(t).startsWith("application/problem+json"));
                assertThat(MAPPER.readTree(res.body()).get("detail").asText()).contains("API key");
            }
        }
        // The key is not echoed anywhere, and the public parts need none.
        assertThat(raw(request("/health")).statusCode()).isEqualTo(200);
        assertThat(raw(request("/")).body()).contains("SignalStream");
    }

    @Test
    void theListShowsOnlyTheCallersConversationsNewestFirstInPages() throws Exception {
        for (int i = 1; i <= 5; i++) {
            publish(aggregate("acme", "list-" + i, 100 + i));
        }
        publish(aggregate("globex", "list-globex", 9));
        // Lists see a conversation within the store's refresh interval.
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                get("/v1/conversations?limit=1", "acme").body().contains("list-5")
                                        && get("/v1/conversations", "globex")
                                                .body()
                                                .contains("list-globex"));

        JsonNode page = MAPPER.readTree(get("/v1/conversations?limit=2", "acme").body());
        assertThat(page.get("items"))
                .extracting(n -> n.get("conversation_id").asText())
                .containsExactly("list-5", "list-4");
        assertThat(page.get("next_offset").asInt()).isEqualTo(2);
        JsonNode next = MAPPER.readTree(get("/v1/conversations?limit=2&offset=2", "acme").body());
        assertThat(next.get("items"))
                .extracting(n -> n.get("conversation_id").asText())
                .containsExactly("list-3", "list-2");
        JsonNode item = page.get("items").get(0);
        assertThat(item.get("message_count").asLong()).isEqualTo(105);
        assertThat(item.has("sentiment")).isTrue();
        assertThat(item.has("urgency")).isTrue();
        assertThat(item.get("requires_escalation").asBoolean()).isFalse();
        assertThat(item.get("last_activity").asText()).isEqualTo("2026-01-15T10:01:45Z");

        JsonNode all = MAPPER.readTree(get("/v1/conversations?limit=100", "acme").body());
        assertThat(all.get("items"))
                .extracting(n -> n.get("conversation_id").asText())
                .doesNotContain("list-globex");
        JsonNode globex = MAPPER.readTree(get("/v1/conversations", "globex").body());
        assertThat(globex.get("items"))
                .extracting(n -> n.get("conversation_id").asText())
                .containsExactly("list-globex");
        for (String bad : List.of("limit=0", "limit=101", "limit=x", "offset=-1")) {
            assertThat(get("/v1/conversations?" + bad, "acme").statusCode()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void theTranscriptIsAssembledFromItsSlotsAndStaysWithItsTenant() throws Exception {
        // Given three messages in a window of two slots: the third replaced the first
        String key = "acme/transcript-1";
        Instant t = Instant.parse("2026-01-15T10:00:00Z");
        List<TranscriptEntry> entries =
                List.of(
                        new TranscriptEntry(
                                "acme",
                                "transcript-1",
                                1,
                                "m1",
                                Sender.CUSTOMER,
                                Channel.CHAT,
                                t,
                                "first"),
                        new TranscriptEntry(
                                "acme",
                                "transcript-1",
                                2,
                                "m2",
                                Sender.CUSTOMER,
                                Channel.CHAT,
                                t.plusSeconds(2),
                                "Mail me at <EMAIL_ADDRESS>"),
                        new TranscriptEntry(
                                "acme",
                                "transcript-1",
                                3,
                                "m3",
                                Sender.AGENT,
                                Channel.CHAT,
                                t.plusSeconds(5),
                                "Will do"));
        for (TranscriptEntry e : entries) {
            producer.send(
                            new ProducerRecord<>(
                                    Topics.TRANSCRIPT,
                                    TranscriptEntry.slotKey(key, TranscriptEntry.slot(e.seq(), 2))
                                            .getBytes(StandardCharsets.UTF_8),
                                    MAPPER.writeValueAsBytes(e)))
                    .get();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                MAPPER.readTree(
                                                        get(
                                                                        "/v1/conversations/transcript-1/messages",
                                                                        "acme")
                                                                .body())
                                                .path("message_count")
                                                .asLong()
                                        == 3);
        JsonNode body =
                MAPPER.readTree(get("/v1/conversations/transcript-1/messages", "acme").body());
        assertThat(body.get("messages"))
                .extracting(n -> n.get("message").asText())
                .containsExactly("Mail me at <EMAIL_ADDRESS>", "Will do");
        assertThat(body.get("messages").get(0).get("sender").asText()).isEqualTo("customer");
        assertThat(body.get("messages").get(1).get("seq").asLong()).isEqualTo(3);
        assertThat(get("/v1/conversations/transcript-1/messages", "globex").statusCode())
                .isEqualTo(404);

        // When the job expires the conversation (tombstones on its slots), it is gone
        for (int slot = 0; slot < 2; slot++) {
            producer.send(
                            new ProducerRecord<byte[], byte[]>(
                                    Topics.TRANSCRIPT,
                                    TranscriptEntry.slotKey(key, slot)
                                            .getBytes(StandardCharsets.UTF_8),
                                    null))
                    .get();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                get("/v1/conversations/transcript-1/messages", "acme").statusCode()
                                        == 404);
    }

    @Test
    void anOlderVersionIsSkippedByItsHeaderWithoutBeingParsed() throws Exception {
        // (its own tenant, so the lists other tests read never see it)
        publish(aggregate("demo-tenant", "headers-1", 2_000));
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                get("/v1/conversations/headers-1/insights", "demo-tenant")
                                                .statusCode()
                                        == 200);

        // A replayed, older record whose body would not even parse
        ProducerRecord<byte[], byte[]> older =
                new ProducerRecord<>(
                        Topics.AI_AGGREGATED,
                        "demo-tenant/headers-1".getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8));
        older.headers()
                .add(
                        AggregatedIntelligence.HEADER_VERSION,
                        "1000".getBytes(StandardCharsets.UTF_8));
        producer.send(older).get();
        publish(aggregate("demo-tenant", "headers-1", 3_000));

        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                MAPPER.readTree(
                                                        get(
                                                                        "/v1/conversations/headers-1/insights",
                                                                        "demo-tenant")
                                                                .body())
                                                .path("version")
                                                .asLong()
                                        == 3_000);
        assertThat(
                        MAPPER.readTree(
                                        get("/v1/conversations/headers-1/insights", "demo-tenant")
                                                .body())
                                .get("message_count")
                                .asLong())
                .isEqualTo(3_000);
    }

    @Test
    void oversizedInvalidUtf8AndBadIdsAreRefusedWithProblems() throws Exception {
        String big =
                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\""
                        + "x".repeat(70_000)
                        + "\"}";
        HttpResponse<String> tooLarge = post(big, "acme", "application/json");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(MAPPER.readTree(tooLarge.body()).get("detail").asText()).contains("65536 bytes");

        // Without a Content-Length (chunked) the body is read up to the limit, and no further.
        assertThat(chunked(big).statusCode()).isEqualTo(413);
        assertThat(
                        chunked(
                                        "{\"conversation_id\":\"chunked-1\",\"sender\":\"customer\","
                                                + "\"channel\":\"chat\",\"message\":\"sent in chunks\"}")
                                .statusCode())
                .isEqualTo(202);

        byte[] broken =
                "{\"conversation_id\":\"c\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"caf\u00e9\"}"
                        .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 =
                post(HttpRequest.BodyPublishers.ofByteArray(broken), "acme", "application/json");
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        assertThat(MAPPER.readTree(notUtf8.body()).get("detail").asText()).contains("UTF-8");

        String longId = "c".repeat(129);
        assertThat(get("/v1/conversations/" + longId + "/insights", "acme").statusCode())
                .isEqualTo(400);
        assertThat(get("/v1/conversations/bad%20id/messages", "acme").statusCode()).isEqualTo(400);
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointAndTheProblemShape() throws Exception {
        HttpResponse<String> res = raw(request("/openapi").header("Accept", "application/yaml"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body())
                .contains(
                        "/v1/messages:",
                        "/v1/conversations:",
                        "/v1/conversations/{id}/insights:",
                        "/v1/conversations/{id}/messages:",
                        "/ws/conversations/{id}/stream:",
                        "application/problem+json",
                        "Problem:");
    }

    @Test
    void theTenantStreamCarriesOnlyTheCallersConversations() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws =
                stream(
                        HTTP.newWebSocketBuilder(),
                        "ws://127.0.0.1:"
                                + api.port()
                                + "/ws/conversations?access_token="
                                + GLOBEX_KEY,
                        received);
        try {
            publish(aggregate("acme", "stream-secret", 1));
            publish(aggregate("globex", "stream-mine", 1));
            JsonNode first = MAPPER.readTree(received.poll(10, TimeUnit.SECONDS));
            assertThat(first.get("data").get("conversation_id").asText()).isEqualTo("stream-mine");
            publish(aggregate("globex", "stream-mine", 2));
            JsonNode second = MAPPER.readTree(received.poll(10, TimeUnit.SECONDS));
            assertThat(second.get("data").get("version").asLong()).isEqualTo(2);
            assertThat(received).isEmpty();
            assertThat(get("/v1/conversations/stream-secret/insights", "acme").statusCode())
                    .isEqualTo(200);
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    /** Opens a WebSocket whose text messages land in {@code received}. */
    private static WebSocket stream(
            WebSocket.Builder builder, String url, BlockingQueue<String> received)
            throws Exception {
        return builder.buildAsync(
                        URI.create(url),
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
    }
}
