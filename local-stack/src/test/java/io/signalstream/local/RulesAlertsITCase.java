package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules through the whole product: a rule created over the API is in effect in the running job
 * within seconds, the messages that match it raise one alert each on {@code GET /v1/alerts} and
 * {@code WS /ws/alerts}, and a changed rule applies to the next message without a restart.
 */
class RulesAlertsITCase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    private static HttpResponse<String> putRule(LocalStack stack, String id, String body)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/rules/" + id))
                        .header("Authorization", "Bearer " + stack.devKey())
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> alerts(StackClient client, String query) throws Exception {
        JsonNode page = StackClient.MAPPER.readTree(client.get("/v1/alerts" + query).body());
        List<JsonNode> alerts = new ArrayList<>();
        page.get("alerts").forEach(alerts::add);
        return alerts;
    }

    @Test
    void aRuleCreatedOverTheApiRaisesAlertsOnRestAndWebSocket() throws Exception {
        try (LocalStack stack = new LocalStack(StackClient.localOptions(dataDir)).start()) {
            StackClient client = new StackClient(stack, null);
            BlockingQueue<JsonNode> pushed = new LinkedBlockingQueue<>();
            WebSocket ws = StackClient.frames(stack, stack.devKey(), "/ws/alerts", pushed);

            var created =
                    putRule(
                            stack,
                            "chargeback",
                            """
                            {"name": "Chargeback threat",
                             "when": {"all": [{"text": {"matches": "chargeback|dispute*"}},
                                              {"field": "sentiment.score", "op": "lte", "value": 0}]},
                             "cooldown": "PT0S", "severity": "high",
                             "actions": [{"type": "alert"}]}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            // The job reads the rule from support.rules while it runs: post until it is in effect
            // (each message is one more chance; none before the rule counts).
            int[] n = {0};
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                n[0]++;
                                client.post(
                                        StackClient.message(
                                                "angry-" + n[0],
                                                "m1",
                                                "customer",
                                                "This is terrible, I will file a chargeback"));
                                return !alerts(client, "").isEmpty();
                            });
            JsonNode alert = alerts(client, "").get(0);
            assertThat(alert.get("rule_id").asText()).isEqualTo("chargeback");
            assertThat(alert.get("rule_name").asText()).isEqualTo("Chargeback threat");
            assertThat(alert.get("severity").asText()).isEqualTo("high");
            assertThat(alert.get("tenant_id").asText()).isEqualTo(LocalStack.DEV_TENANT);
            assertThat(alert.get("conversation_id").asText()).startsWith("angry-");
            assertThat(alert.get("trigger").asText()).isEqualTo("message");
            assertThat(alert.get("backfill").asBoolean()).isFalse();
            JsonNode frame = pushed.poll(30, TimeUnit.SECONDS);
            assertThat(frame).isNotNull();
            assertThat(frame.get("type").asText()).isEqualTo("alert");
            assertThat(frame.get("data").get("rule_id").asText()).isEqualTo("chargeback");

            // A calm message does not match the first rule
            client.post(StackClient.message("calm", "m1", "customer", "Thanks, all good now"));
            // The rule changed over the API applies to the next message, without a restart
            var changed =
                    putRule(
                            stack,
                            "chargeback",
                            """
                            {"name": "Any thanks",
                             "when": {"all": [{"text": {"matches": "thanks"}}]},
                             "cooldown": "PT0S", "severity": "low",
                             "actions": [{"type": "alert"}]}""");
            assertThat(changed.statusCode()).isEqualTo(200);
            int[] m = {0};
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                m[0]++;
                                client.post(
                                        StackClient.message(
                                                "thanks-" + m[0], "m1", "customer", "Many thanks"));
                                return alerts(client, "?severity=low").size() > 0;
                            });
            assertThat(alerts(client, "?severity=low").get(0).get("rule_name").asText())
                    .isEqualTo("Any thanks");
            // "calm" was judged by the first version of the rule, or the second: never both
            assertThat(
                            alerts(client, "").stream()
                                    .filter(a -> a.get("conversation_id").asText().equals("calm"))
                                    .count())
                    .isLessThanOrEqualTo(1);
            assertThat(alerts(client, "?severity=high"))
                    .extracting(a -> a.get("conversation_id").asText())
                    .allMatch(c -> c.startsWith("angry-"));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
