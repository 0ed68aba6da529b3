package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Topics;
import io.signalstream.model.Validation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Thousands of random and mutated bodies, headers, paths and methods against the real API and a
 * real broker: never a 5xx, never a hang (every request has a deadline), and every message the API
 * accepted passes the job's own validation when read back from Kafka.
 */
class ApiFuzzITCase {

    private static final String KEY = "fuzz-key";
    private static final Set<Integer> EXPECTED =
            Set.of(200, 202, 204, 301, 302, 304, 307, 308, 400, 401, 403, 404, 405, 413, 415, 429);
    private static final String VALID =
            "{\"conversation_id\":\"c-1\",\"message_id\":\"m-1\",\"sender\":\"customer\",\"channel\":\"chat\","
                    + "\"message\":\"hello\",\"timestamp\":\"2026-01-15T10:00:00Z\",\"metadata\":{\"k\":\"v\"}}";
    private static final List<String> FIELDS =
            List.of(
                    "conversation_id",
                    "message_id",
                    "sender",
                    "channel",
                    "message",
                    "timestamp",
                    "metadata",
                    "tenant_id");

    private static EmbeddedKafka kafka;
    private static QueryApi api;
    private static HttpClient http;
    private static final AtomicInteger accepted = new AtomicInteger();

    @BeforeContainer
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);
        api =
                QueryApi.local(
                                ApiSettings.local(
                                                kafka.bootstrapServers(),
                                                ApiKeys.parse(KEY + "=fuzz"),
                                                TestDirs.create("fuzz-store"))
                                        .withIngestLimit(1_000_000, 1_000_000),
                                0)
                        .start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterContainer
    static void everyAcceptedMessagePassesTheJobsValidation() throws Exception {
        try {
            List<ConsumerRecord<byte[], byte[]>> records = readAll();
            assertThat(records).hasSize(accepted.get());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                SupportMessage message =
                        Json.newMapper().readValue(record.value(), SupportMessage.class);
                assertThat(Validation.check(message))
                        .as(new String(record.value(), StandardCharsets.UTF_8))
                        .isEmpty();
                assertThat(message.tenantId()).isEqualTo("fuzz");
            }
            System.out.printf(
                    "fuzz: %d messages accepted, all valid for the job%n", records.size());
        } finally {
            api.stop();
            kafka.close();
        }
    }

    private static int send(HttpRequest.Builder request) throws Exception {
        HttpResponse<byte[]> res =
                http.send(
                        request.timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        int status = res.statusCode();
        assertThat(status).as("status").isIn(EXPECTED);
        if (status >= 400) {
            assertThat(res.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
        return status;
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    @Property(tries = 800)
    void mutatedMessagesAreAcceptedOnlyWhenValid(
            @ForAll("bodies") String body, @ForAll("contentTypes") String contentType)
            throws Exception {
        int status =
                send(
                        HttpRequest.newBuilder(uri("/v1/messages"))
                                .header("Authorization", "Bearer " + KEY)
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (status == 202) {
            accepted.incrementAndGet();
        }
    }

    @Property(tries = 300)
    void randomBytesAreRefusedCleanly(
            @ForAll byte[] bytes, @ForAll("authorizations") String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri("/v1/messages"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        int status = send(request);
        assertThat(status).isNotEqualTo(202);
    }

    @Property(tries = 600)
    void randomPathsMethodsAndKeysNeverBreakTheServer(
            @ForAll("paths") String path,
            @ForAll("methods") String method,
            @ForAll("authorizations") String authorization)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(path))
                        .method(
                                method,
                                method.equals("GET") || method.equals("DELETE")
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        if (send(request) == 202) {
            accepted.incrementAndGet();
        }
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> values =
                Arbitraries.oneOf(
                        Arbitraries.of(
                                "null",
                                "true",
                                "1e999",
                                "-0",
                                "[]",
                                "{}",
                                "\"\"",
                                "\"   \"",
                                "\"a/b\"",
                                "\"fax\"",
                                "\"robot\"",
                                "\"CUSTOMER\"",
                                "\"yesterday\"",
                                "\"2026-13-45T99:00:00Z\"",
                                "{\"a\":{\"b\":[1,2]}}",
                                "\"\\u0000\\u001f\"",
                                "\"\\ud800\"",
                                "\"💥🔥\""),
                        Arbitraries.strings()
                                .all()
                                .ofMaxLength(200)
                                .map(s -> Json.newMapper().valueToTree(s).toString()),
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofLength(129)
                                .map(s -> "\"" + s + "\""),
                        Arbitraries.integers().map(String::valueOf),
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofMinLength(16_001)
                                .ofMaxLength(16_010)
                                .map(s -> "\"" + s + "\""));
        Arbitrary<String> replaced =
                Combinators.combine(Arbitraries.of(FIELDS), values)
                        .as(
                                (field, value) ->
                                        VALID.replaceFirst(
                                                "\"" + field + "\":(\"[^\"]*\"|\\{[^}]*\\})",
                                                java.util.regex.Matcher.quoteReplacement(
                                                        "\"" + field + "\":" + value)));
        Arbitrary<String> removed =
                Arbitraries.of(FIELDS)
                        .map(
                                field ->
                                        VALID.replaceFirst(
                                                        ",?\""
                                                                + field
                                                                + "\":(\"[^\"]*\"|\\{[^}]*\\})",
                                                        "")
                                                .replace("{,", "{"));
        Arbitrary<String> truncated =
                Arbitraries.integers().between(0, VALID.length()).map(n -> VALID.substring(0, n));
        Arbitrary<String> fresh =
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .ofMinLength(1)
                        .ofMaxLength(20)
                        .map(id -> VALID.replace("m-1", id).replace("c-1", "c-" + id));
        return Arbitraries.oneOf(
                anyText, replaced, removed, truncated, fresh, Arbitraries.just(VALID));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of(
                "application/json",
                "application/json; charset=UTF-8",
                "text/plain",
                "application/xml",
                "application/json; charset=latin1",
                "multipart/form-data; boundary=x",
                "*/*",
                "application/problem+json");
    }

    @Provide
    Arbitrary<String> authorizations() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        "Bearer " + KEY,
                        "bearer " + KEY,
                        "Bearer",
                        "Bearer  ",
                        "Basic Zm9vOmJhcg==",
                        "Bearer " + KEY + "x"),
                Arbitraries.strings()
                        .ascii()
                        .ofMaxLength(600)
                        .filter(s -> s.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                        .map(s -> "Bearer " + s));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment =
                Arbitraries.oneOf(
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .numeric()
                                .withChars("._:@-")
                                .ofMinLength(1)
                                .ofMaxLength(140),
                        Arbitraries.of(
                                "..",
                                "%2e%2e",
                                "%00",
                                "%ff",
                                "%E2%82%AC",
                                "a%2Fb",
                                "%20",
                                "~",
                                "c-1",
                                ""));
        return Arbitraries.oneOf(
                segment.map(s -> "/v1/conversations/" + s + "/insights"),
                segment.map(s -> "/v1/conversations/" + s + "/messages"),
                segment.map(s -> "/v1/conversations?limit=" + s),
                segment.map(s -> "/v1/conversations?offset=" + s + "&limit=2"),
                segment.map(s -> "/" + s),
                segment.map(s -> "/v1/" + s),
                Arbitraries.of(
                        "/",
                        "/index.html",
                        "/app.js",
                        "/openapi",
                        "/health",
                        "/health/ready",
                        "/v1/messages",
                        "/v1/conversations"));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll() {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(Topics.MESSAGES_RAW, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
