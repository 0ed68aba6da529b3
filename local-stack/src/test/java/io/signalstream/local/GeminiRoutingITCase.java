package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model routing against the fake Gemini: with {@code GEMINI_MODEL_FAST}, a customer message's
 * sentiment and insights come from the fast model and its summary and reply from the stronger one,
 * each request asking only for its parts, each model with its own metrics.
 */
class GeminiRoutingITCase {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @Test
    void sentimentAndInsightsComeFromTheFastModelSummaryAndReplyFromTheStrongOne()
            throws Exception {
        String key = "routing-key-" + UUID.randomUUID();
        try (FakeGemini gemini = new FakeGemini(key, Duration.ZERO, 0);
                LocalStack stack =
                        gemini.startStack(
                                dataDir,
                                "--gemini-model",
                                "strong-model",
                                "--gemini-model-fast",
                                "fast-model")) {
            StackClient client = new StackClient(stack, null);
            HttpResponse<String> posted =
                    client.post(
                            StackClient.message(
                                    "route-1", "m1", "customer", "[routed] This is terrible"));
            assertThat(posted.statusCode()).isEqualTo(202);
            JsonNode[] insights = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                HttpResponse<String> res = client.insights("route-1");
                                assertThat(res.statusCode()).isEqualTo(200);
                                insights[0] = StackClient.MAPPER.readTree(res.body());
                                assertThat(insights[0].at("/agents/reply/seq").asLong())
                                        .as(res.body())
                                        .isEqualTo(1);
                            });
            JsonNode agents = insights[0].get("agents");
            for (String agent : List.of("sentiment", "insights", "summary", "reply")) {
                assertThat(agents.at("/" + agent + "/provider").asText()).isEqualTo("gemini");
            }
            assertThat(insights[0].at("/sentiment/sentiment").asText()).isEqualTo("negative");
            assertThat(insights[0].at("/summary/summary").asText()).contains("upset");

            List<FakeGemini.Request> asked = gemini.requestsFor("[routed]");
            assertThat(asked)
                    .extracting(FakeGemini.Request::model)
                    .containsExactlyInAnyOrder("fast-model", "strong-model");
            for (FakeGemini.Request r : asked) {
                JsonNode schema =
                        StackClient.MAPPER
                                .readTree(r.body())
                                .at("/generationConfig/responseJsonSchema/properties");
                List<String> fields = List.copyOf(iterable(schema.fieldNames()));
                assertThat(fields)
                        .containsExactlyInAnyOrderElementsOf(
                                r.model().equals("fast-model")
                                        ? List.of("sentiment", "insights")
                                        : List.of("summary", "reply"));
            }
            // (Prometheus label values have '-' as '_'.)
            String metrics = StackClient.flinkMetrics(stack);
            assertThat(metrics)
                    .containsPattern("_gemini_model_requests\\{[^}]*model=\"fast_model\"[^}]*} 1")
                    .containsPattern(
                            "_gemini_model_requests\\{[^}]*model=\"strong_model\"[^}]*} 1");
        } finally {
            StackClient.removeLeniently(dataDir);
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
