package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.api.webhooks.WebhookSettings;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Json;
import io.signalstream.model.TokenBudgets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-tenant ingest limits, CORS for a separate front end, and keys on the WebSocket. */
class ApiGuardsITCase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BODY =
            "{\"conversation_id\":\"c1\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"hi\"}";
    private static EmbeddedKafka kafka;
    private static QueryApi api;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);
        ApiSettings settings =
                new ApiSettings(
                        kafka.bootstrapServers(),
                        "",
                        ApiKeys.parse("noisy-key=noisy,quiet-key=quiet"),
                        Duration.ofSeconds(4),
                        Duration.ofMillis(ApiSettings.DEFAULT_INGEST_LINGER_MS),
                        new Properties(),
                        List.of("https://dashboard.example"),
                        ApiSettings.DEFAULT_MAX_BODY_BYTES,
                        0.5,
                        5,
                        LuceneConversationStore.Settings.defaults(TestDirs.create("guards-store")),
                        TopicFeed.Fetch.DEFAULTS,
                        Fanout.Limits.DEFAULTS,
                        PipelineWatch.Settings.DEFAULTS,
                        WebhookSettings.DEFAULTS,
                        TokenBudgets.NONE,
                        null);
        api = QueryApi.local(settings, 0).start();
    }

    @AfterAll
    static void stop() {
        api.stop();
        kafka.close();
    }

    private static HttpResponse<String> post(String key) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.port() + "/v1/messages"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTenantOverItsIngestLimitGets429WithRetryAfterAndOthersAreUnaffected() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(post("noisy-key").statusCode()).as("burst message " + i).isEqualTo(202);
        }
        HttpResponse<String> limited = post("noisy-key");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 2));
        JsonNode problem = Json.newMapper().readTree(limited.body());
        assertThat(problem.get("detail").asText()).contains("limit", "nothing was accepted");
        assertThat(post("quiet-key").statusCode()).isEqualTo(202);
    }

    @Test
    void corsAllowsTheConfiguredOriginOnly() throws Exception {
        HttpResponse<String> allowed = preflight("https://dashboard.example");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://dashboard.example");
        assertThat(
                        allowed.headers()
                                .firstValue("Access-Control-Allow-Headers")
                                .orElse("")
                                .toLowerCase())
                .contains("authorization");
        HttpResponse<String> other = preflight("https://evil.example");
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private static HttpResponse<String> preflight(String origin) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.port() + "/v1/messages"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "authorization, content-type")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theWebSocketNeedsAKeyAndAnswersTheBearerSubprotocol() throws Exception {
        String url = "ws://127.0.0.1:" + api.port() + "/ws/conversations/c1/stream";
        assertThatThrownBy(() -> connect(url, HTTP.newWebSocketBuilder()))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThatThrownBy(
                        () ->
                                connect(
                                        url,
                                        HTTP.newWebSocketBuilder().subprotocols("bearer", "wrong")))
                .hasCauseInstanceOf(WebSocketHandshakeException.class);

        WebSocket bySubprotocol =
                connect(url, HTTP.newWebSocketBuilder().subprotocols("bearer", "quiet-key"));
        assertThat(bySubprotocol.getSubprotocol()).isEqualTo("bearer");
        bySubprotocol.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        WebSocket byQuery =
                connect(
                        "ws://127.0.0.1:" + api.port() + "/ws/conversations?access_token=quiet-key",
                        HTTP.newWebSocketBuilder());
        byQuery.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    private static WebSocket connect(String url, WebSocket.Builder builder) throws Exception {
        return builder.buildAsync(URI.create(url), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);
    }
}
