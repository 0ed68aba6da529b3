package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.signalstream.api.webhooks.Signature;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
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

    /**
     * Posts a customer message to a new conversation each second until {@code done}: the job reads
     * a rule from support.rules while it runs, so each message is one more chance for it to be in
     * effect.
     */
    private static void postUntil(
            StackClient client, String prefix, String text, Callable<Boolean> done) {
        int[] n = {0};
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> {
                            n[0]++;
                            client.post(StackClient.message(prefix + n[0], "m1", "customer", text));
                            return done.call();
                        });
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
                    client.put(
                            "/v1/rules/chargeback",
                            """
                            {"name": "Chargeback threat",
                             "when": {"all": [{"text": {"matches": "chargeback|dispute*"}},
                                              {"field": "sentiment.score", "op": "lte", "value": 0}]},
                             "cooldown": "PT0S", "severity": "high",
                             "actions": [{"type": "alert"}]}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            postUntil(
                    client,
                    "angry-",
                    "This is terrible, I will file a chargeback",
                    () -> !alerts(client, "").isEmpty());
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
                    client.put(
                            "/v1/rules/chargeback",
                            """
                            {"name": "Any thanks",
                             "when": {"all": [{"text": {"matches": "thanks"}}]},
                             "cooldown": "PT0S", "severity": "low",
                             "actions": [{"type": "alert"}]}""");
            assertThat(changed.statusCode()).isEqualTo(200);
            postUntil(
                    client,
                    "thanks-",
                    "Many thanks",
                    () -> !alerts(client, "?severity=low").isEmpty());
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

    @Test
    void aRulesWebhookReceivesTheAlertSignedWithItsSecret() throws Exception {
        String secret = "local-receiver-secret-123";
        BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext(
                "/hook",
                exchange -> {
                    received.add(
                            new String[] {
                                new String(
                                        exchange.getRequestBody().readAllBytes(),
                                        StandardCharsets.UTF_8),
                                exchange.getRequestHeaders().getFirst(Signature.HEADER),
                                exchange.getRequestHeaders().getFirst(Signature.DELIVERY_HEADER)
                            });
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        receiver.start();
        try (LocalStack stack = new LocalStack(StackClient.localOptions(dataDir)).start()) {
            StackClient client = new StackClient(stack, null);
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            var hook =
                    client.put(
                            "/v1/webhooks/ops",
                            "{\"url\": \"" + url + "\", \"secret\": \"" + secret + "\"}");
            assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);
            var rule =
                    client.put(
                            "/v1/rules/escalate",
                            """
                            {"name": "Escalate now",
                             "when": {"any": [{"field": "insights.requires_escalation", "op": "eq", "value": true}]},
                             "cooldown": "PT10M", "severity": "high",
                             "actions": [{"type": "webhook", "webhook": "ops"}]}""");
            assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);

            postUntil(
                    client,
                    "escalate-",
                    "I want to speak to a manager now, this is unacceptable",
                    () -> !received.isEmpty());
            String[] delivery = received.take();
            byte[] body = delivery[0].getBytes(StandardCharsets.UTF_8);
            assertThat(
                            Signature.verify(
                                    secret,
                                    delivery[1],
                                    body,
                                    java.time.Instant.now().getEpochSecond(),
                                    300))
                    .isTrue();
            JsonNode alert = StackClient.MAPPER.readTree(body).get("alert");
            assertThat(alert.get("rule_id").asText()).isEqualTo("escalate");
            assertThat(alert.get("severity").asText()).isEqualTo("high");
            assertThat(delivery[2])
                    .isEqualTo(Signature.deliveryId(alert.get("id").asText(), "ops"));
            // the same alert is in the feed, and its delivery in the log
            assertThat(alerts(client, ""))
                    .extracting(a -> a.get("id").asText())
                    .contains(alert.get("id").asText());
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    StackClient.MAPPER
                                            .readTree(
                                                    client.get("/v1/webhooks/ops/deliveries")
                                                            .body())
                                            .get("deliveries")
                                            .findValuesAsText("status")
                                            .contains("delivered"));
        } finally {
            receiver.stop(0);
        }
    }
}
