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
 * The {@code GEMINI_PII} opt-in through the whole stack: the model sees only redacted text and adds
 * what patterns cannot find (here a name), with offsets in the original message.
 */
class GeminiPiiITCase {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    @Test
    void theModelAddsANameToTheLocalFindingsAndSeesOnlyRedactedText() throws Exception {
        String key = "pii-key-" + UUID.randomUUID();
        try (FakeGemini gemini = new FakeGemini(key, Duration.ZERO, 0);
                LocalStack stack = gemini.startStack(dataDir, "--gemini-pii", "true")) {
            StackClient client = new StackClient(stack, null);
            String text = "Please write to jane.roe@example.com, my name is Jane Roe.";
            HttpResponse<String> posted =
                    client.post(StackClient.message("pii-1", "p1", "customer", text));
            assertThat(posted.statusCode()).isEqualTo(202);

            JsonNode[] insights = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                HttpResponse<String> res = client.insights("pii-1");
                                assertThat(res.statusCode()).isEqualTo(200);
                                insights[0] = StackClient.MAPPER.readTree(res.body());
                                assertThat(insights[0].at("/pii/entities").size()).isEqualTo(2);
                            });
            JsonNode pii = insights[0].get("pii");
            assertThat(insights[0].at("/agents/pii/provider").asText()).isEqualTo("gemini");
            JsonNode person = null;
            for (JsonNode e : pii.get("entities")) {
                if (e.get("type").asText().equals("PERSON")) {
                    person = e;
                }
            }
            assertThat(person).isNotNull();
            assertThat(text.substring(person.get("start").asInt(), person.get("end").asInt()))
                    .isEqualTo("Jane Roe");
            assertThat(person.get("masked").asText()).isEqualTo("J*******");
            assertThat(pii.get("redacted_message").asText())
                    .isEqualTo("Please write to <EMAIL_ADDRESS>, my name is <PERSON>.");
            // The stored transcript is redacted with the model's findings too.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                HttpResponse<String> res =
                                        client.get("/v1/conversations/pii-1/messages");
                                assertThat(res.statusCode()).isEqualTo(200);
                                assertThat(res.body())
                                        .contains("my name is <PERSON>.")
                                        .doesNotContain("Jane Roe", "jane.roe");
                            });
            List<FakeGemini.Request> asked = gemini.requestsFor("my name is Jane Roe");
            assertThat(asked).isNotEmpty();
            for (FakeGemini.Request request : gemini.requests()) {
                assertThat(request.body()).doesNotContain("jane.roe@example.com");
            }
        } finally {
            StackClient.removeLeniently(dataDir);
        }
    }
}
