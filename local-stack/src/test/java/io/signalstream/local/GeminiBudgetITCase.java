package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.model.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token budgets per tenant against the fake Gemini: a tenant whose minute budget is spent gets the
 * local agents ({@code provider: local-budget}, with the reason), the others keep the model, and
 * {@code GET /v1/usage} shows each tenant the tokens the model counted for it.
 */
class GeminiBudgetITCase {

    private static final Map<String, String> KEYS =
            Map.of(
                    "small",
                    "k-small-" + UUID.randomUUID(),
                    "alpha",
                    "k-alpha-" + UUID.randomUUID(),
                    "beta",
                    "k-beta-" + UUID.randomUUID());

    /**
     * Room for one or two calls a minute: a call reserves its estimated prompt and the whole output
     * cap (~2,900 tokens here) and costs what the model counts (~1,500).
     */
    private static final long SMALL_PER_MINUTE = 3_500;

    private static final int MESSAGES = 5;

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @Test
    void aTenantPastItsBudgetGetsTheLocalAgentsAndTheOthersKeepTheModel() throws Exception {
        String gemKey = "budget-key-" + UUID.randomUUID();
        try (FakeGemini gemini = new FakeGemini(gemKey, Duration.ZERO, 0);
                LocalStack stack =
                        new LocalStack(
                                        gemini.stackOptions(
                                                        dataDir,
                                                        2,
                                                        1,
                                                        Path.of("..", "flink-conf"),
                                                        "--gemini-tenant-budgets",
                                                        "small=" + SMALL_PER_MINUTE + "/min")
                                                .withApiKeys(
                                                        KEYS.get("small")
                                                                + "=small,"
                                                                + KEYS.get("alpha")
                                                                + "=alpha,"
                                                                + KEYS.get("beta")
                                                                + "=beta"))
                                .start()) {
            long started = System.nanoTime();
            for (int i = 1; i <= MESSAGES; i++) {
                for (String tenant : List.of("small", "alpha", "beta")) {
                    StackClient client = new StackClient(stack, KEYS.get(tenant));
                    HttpResponse<String> res =
                            client.post(
                                    StackClient.message(
                                            "c" + i,
                                            "m" + i,
                                            "customer",
                                            "[t-" + tenant + "] Where is my order " + i + "?"));
                    assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
                }
            }

            Map<String, Long> providers = new java.util.HashMap<>();
            for (String tenant : List.of("small", "alpha", "beta")) {
                StackClient client = new StackClient(stack, KEYS.get(tenant));
                for (int i = 1; i <= MESSAGES; i++) {
                    JsonNode insights = awaitAnalysed(client, "c" + i);
                    String provider = insights.at("/agents/sentiment/provider").asText();
                    providers.merge(tenant + ":" + provider, 1L, Long::sum);
                    if (provider.equals("local-budget")) {
                        assertThat(insights.at("/agents/sentiment/error").asText())
                                .contains("tenant token budget spent")
                                .contains("tokens a minute");
                        assertThat(tenant).isEqualTo("small");
                    }
                }
            }
            System.out.println("[budget] answers by tenant and provider: " + providers);
            double minutes = (System.nanoTime() - started) / 60e9;
            assertThat(providers)
                    .containsEntry("alpha:gemini", (long) MESSAGES)
                    .containsEntry("beta:gemini", (long) MESSAGES)
                    .containsKeys("small:gemini", "small:local-budget");
            long smallCalls = providers.get("small:gemini");
            assertThat(gemini.requestsFor("[t-small]")).hasSize((int) smallCalls);
            long smallTokens =
                    gemini.requestsFor("[t-small]").stream()
                            .mapToLong(FakeGemini.Request::tokens)
                            .sum();
            // Never more than the budget in any minute (the ledger's window is 61 s).
            assertThat(smallTokens)
                    .isLessThanOrEqualTo((long) (SMALL_PER_MINUTE * Math.ceil(minutes * 60 / 61)));
            // Each tenant's own metric series.
            String metrics = StackClient.flinkMetrics(stack);
            assertThat(metrics)
                    .containsPattern(
                            "_gemini_tenant_overBudget\\{[^}]*tenant=\"small\"[^}]*} "
                                    + providers.get("small:local-budget"))
                    .containsPattern(
                            "_gemini_tenant_requests\\{[^}]*tenant=\"alpha\"[^}]*} " + MESSAGES);
            // A spent budget is not a failure: nothing of it goes to the dead-letter topic.
            for (ConsumerRecord<byte[], byte[]> r : StackClient.records(stack, Topics.DLQ)) {
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .doesNotContain("token budget");
            }

            for (String tenant : List.of("small", "alpha", "beta")) {
                long counted =
                        gemini.requestsFor("[t-" + tenant + "]").stream()
                                .mapToLong(FakeGemini.Request::tokens)
                                .sum();
                StackClient client = new StackClient(stack, KEYS.get(tenant));
                JsonNode[] usage = new JsonNode[1];
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(
                                () -> {
                                    HttpResponse<String> res = client.get("/v1/usage");
                                    assertThat(res.statusCode()).isEqualTo(200);
                                    usage[0] = StackClient.MAPPER.readTree(res.body());
                                    assertThat(usage[0].at("/today/tokens").asLong())
                                            .as(res.body())
                                            .isEqualTo(counted);
                                });
                System.out.println("[budget] " + tenant + " usage: " + usage[0]);
                assertThat(counted).isPositive();
                assertThat(usage[0].at("/today/over_budget").asLong())
                        .isEqualTo(providers.getOrDefault(tenant + ":local-budget", 0L));
                assertThat(usage[0].at("/budget/tokens_per_minute").isNull())
                        .isEqualTo(!tenant.equals("small"));
            }
        } finally {
            StackClient.removeLeniently(dataDir);
        }
    }

    private static JsonNode awaitAnalysed(StackClient client, String conversation) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            HttpResponse<String> res = client.insights(conversation);
                            assertThat(res.statusCode()).isEqualTo(200);
                            last[0] = StackClient.MAPPER.readTree(res.body());
                            assertThat(last[0].at("/agents/sentiment/seq").asLong())
                                    .as(res.body())
                                    .isEqualTo(1);
                        });
        return last[0];
    }
}
