package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.signalstream.api.book.TenantBook;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/rules} and {@code /v1/webhooks} without a broker: checks, defaults, scopes, tenants
 * apart, limits, secrets never shown.
 */
@RoutingTest
class BookServiceTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String ADMIN = "rules-admin-key";
    private static final String READER = "rules-reader-key";
    private static final String OTHER = "other-admin-key";
    private static final String FULL = "full-admin-key";
    private static final Path DIR = TestDirs.create("rules-store");
    private static final LuceneConversationStore STORE =
            LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(DIR));
    private static final Fanout FANOUT = new Fanout(Fanout.Limits.DEFAULTS);

    private static final String ESCALATE =
            """
            {"name": "Escalate now", "when": {"any": [
               {"field": "insights.requires_escalation", "op": "eq", "value": true},
               {"field": "sentiment.score", "op": "lte", "value": -0.6}]},
             "cooldown": "PT10M", "severity": "high",
             "actions": [{"type": "webhook", "webhook": "ops"}]}""";

    private final DirectClient client;

    BookServiceTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ApiSettings settings =
                ApiSettings.local(
                        "unused:9092",
                        ApiKeys.parse(
                                ADMIN
                                        + "=acme/read+admin,"
                                        + READER
                                        + "=acme/read+ingest,"
                                        + OTHER
                                        + "=globex/read+admin,"
                                        + FULL
                                        + "=busy/read+admin"),
                        DIR);
        STORE.putAggregate(
                io.signalstream.api.store.Fixtures.stored(
                        io.signalstream.api.store.Fixtures.aggregate("acme", "old-one", 2)));
        STORE.flush();
        QueryApi.routing(
                routing,
                TestParts.of(settings, m -> {}, STORE, FANOUT, List::of, new ApiMetrics()));
    }

    @AfterAll
    static void close() {
        FANOUT.close();
        STORE.close();
    }

    private Http1ClientResponse put(String key, String id, String body) {
        return client.put("/v1/rules/" + id)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + key)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body);
    }

    private Http1ClientResponse get(String key, String path) {
        return client.get(path).header(HeaderNames.AUTHORIZATION, "Bearer " + key).request();
    }

    private static JsonNode json(Http1ClientResponse res) throws Exception {
        return MAPPER.readTree(res.as(String.class));
    }

    @Test
    void aRuleIsCreatedWithItsDefaultsListedReplacedAndDeleted() throws Exception {
        Http1ClientResponse created =
                put(
                        ADMIN,
                        "calm",
                        "{\"name\": \"Calm down\", \"when\": {\"all\": [{\"waiting\": \"PT5M\"}]},"
                                + " \"actions\": [{\"type\": \"alert\"}]}");
        assertThat(created.status().code()).isEqualTo(201);
        JsonNode rule = json(created);
        assertThat(rule.get("id").asText()).isEqualTo("calm");
        assertThat(rule.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(rule.get("cooldown").asText()).isEqualTo("PT30M");
        assertThat(rule.get("severity").asText()).isEqualTo("medium");
        assertThat(rule.has("updated_at")).isTrue();

        assertThat(put(ADMIN, "calm", ESCALATE).status().code()).isEqualTo(200);
        assertThat(json(get(READER, "/v1/rules/calm")).get("name").asText())
                .isEqualTo("Escalate now");
        assertThat(json(get(READER, "/v1/rules")).get("rules"))
                .extracting(r -> r.get("id").asText())
                .contains("calm");

        // another tenant sees none of it
        assertThat(get(OTHER, "/v1/rules/calm").status().code()).isEqualTo(404);
        assertThat(json(get(OTHER, "/v1/rules")).get("rules")).isEmpty();

        Http1ClientResponse deleted =
                client.delete("/v1/rules/calm")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ADMIN)
                        .request();
        assertThat(deleted.status().code()).isEqualTo(204);
        assertThat(get(READER, "/v1/rules/calm").status().code()).isEqualTo(404);
    }

    @Test
    void aWrongRuleGetsEveryMistakeByPath() throws Exception {
        Http1ClientResponse res =
                put(
                        ADMIN,
                        "broken",
                        "{\"name\": \"x\", \"when\": {\"any\": [{\"field\": \"sentiment.scor\","
                                + " \"op\": \"lte\", \"value\": -0.6}]}, \"severity\": \"urgent\","
                                + " \"actions\": [{\"type\": \"alert\"}]}");
        assertThat(res.status().code()).isEqualTo(400);
        assertThat(res.headers().contentType().orElseThrow().text())
                .startsWith("application/problem+json");
        JsonNode body = json(res);
        assertThat(body.get("errors"))
                .extracting(e -> e.get("field").asText())
                .containsExactlyInAnyOrder("when.any[0].field", "severity");
        assertThat(put(ADMIN, "broken", "{not json").status().code()).isEqualTo(400);
        assertThat(put(ADMIN, "no%20spaces", ESCALATE).status().code()).isEqualTo(400);
        assertThat(get(READER, "/v1/rules/broken").status().code()).isEqualTo(404);
    }

    @Test
    void onlyAnAdminKeyWritesRules() throws Exception {
        Http1ClientResponse res = put(READER, "sneaky", ESCALATE);
        assertThat(res.status().code()).isEqualTo(403);
        assertThat(json(res).get("detail").asText()).contains("manage rules", "'admin'");
        assertThat(
                        client.delete("/v1/rules/sneaky")
                                .header(HeaderNames.AUTHORIZATION, "Bearer " + READER)
                                .request()
                                .status()
                                .code())
                .isEqualTo(403);
    }

    @Test
    void aTenantKeepsAtMostTheLimitOfRules() throws Exception {
        for (int i = 0; i < TenantBook.RULES_PER_TENANT; i++) {
            assertThat(put(FULL, "r" + i, ESCALATE).status().code()).isEqualTo(201);
        }
        Http1ClientResponse refused = put(FULL, "one-more", ESCALATE);
        assertThat(refused.status().code()).isEqualTo(409);
        assertThat(json(refused).get("detail").asText()).contains("at most");
        assertThat(put(FULL, "r0", ESCALATE).status().code()).isEqualTo(200);
    }

    private Http1ClientResponse putWebhook(String key, String id, String body) {
        return client.put("/v1/webhooks/" + id)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + key)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body);
    }

    @Test
    void aWebhookIsStoredWithoutEverShowingItsSecret() throws Exception {
        Http1ClientResponse created =
                putWebhook(
                        ADMIN,
                        "ops",
                        "{\"url\": \"http://127.0.0.1:9/hook\", \"secret\": \"0123456789abcdef-secret\"}");
        assertThat(created.status().code()).isEqualTo(201);
        JsonNode shown = json(created);
        assertThat(shown.has("secret")).isFalse();
        assertThat(shown.get("secret_set").asBoolean()).isTrue();
        assertThat(shown.get("events")).extracting(JsonNode::asText).containsExactly("alert");
        assertThat(json(get(ADMIN, "/v1/webhooks/ops")).has("secret")).isFalse();
        assertThat(json(get(ADMIN, "/v1/webhooks")).get("webhooks"))
                .allMatch(w -> !w.has("secret"));
        assertThat(json(get(ADMIN, "/v1/webhooks/ops/deliveries")).get("deliveries")).isEmpty();
        assertThat(get(ADMIN, "/v1/webhooks/nope/deliveries").status().code()).isEqualTo(404);
        // where alerts go is an admin's business
        assertThat(get(READER, "/v1/webhooks").status().code()).isEqualTo(403);
        assertThat(get(OTHER, "/v1/webhooks/ops").status().code()).isEqualTo(404);
    }

    @Test
    void aWebhookIntoThePrivateNetworkOrWithAWeakSecretIsRefused() throws Exception {
        Http1ClientResponse res =
                putWebhook(
                        ADMIN,
                        "inside",
                        "{\"url\": \"http://169.254.169.254/latest\", \"secret\": \"short\","
                                + " \"events\": [\"everything\"], \"extra\": 1}");
        assertThat(res.status().code()).isEqualTo(400);
        JsonNode problem = json(res);
        assertThat(problem.get("errors"))
                .extracting(e -> e.get("field").asText())
                .containsExactlyInAnyOrder("url", "secret", "events[0]", "extra");
        assertThat(problem.get("errors").toString()).contains("link-local");
        assertThat(
                        putWebhook(
                                        ADMIN,
                                        "ftp",
                                        "{\"url\": \"ftp://example.org/x\", \"secret\":"
                                                + " \"0123456789abcdef-secret\"}")
                                .status()
                                .code())
                .isEqualTo(400);
    }

    private Http1ClientResponse post(String key, String path) {
        return client.post(path).header(HeaderNames.AUTHORIZATION, "Bearer " + key).request();
    }

    @Test
    void aBackfillAppliesARuleToStoredConversations() throws Exception {
        assertThat(
                        put(
                                        ADMIN,
                                        "negative",
                                        "{\"name\": \"Negative\", \"when\": {\"all\": [{\"field\":"
                                                + " \"sentiment.sentiment\", \"op\": \"eq\", \"value\":"
                                                + " \"negative\"}]}, \"actions\": [{\"type\": \"alert\"}]}")
                                .status()
                                .code())
                .isIn(200, 201);
        assertThat(post(ADMIN, "/v1/rules/nope/backfill").status().code()).isEqualTo(404);
        assertThat(post(READER, "/v1/rules/negative/backfill").status().code()).isEqualTo(403);
        var bad = client.post("/v1/rules/negative/backfill").queryParam("from", "last week");
        assertThat(
                        bad.header(HeaderNames.AUTHORIZATION, "Bearer " + ADMIN)
                                .request()
                                .status()
                                .code())
                .isEqualTo(400);

        Http1ClientResponse res = post(ADMIN, "/v1/rules/negative/backfill");
        assertThat(res.status().code()).isEqualTo(200);
        JsonNode result = json(res);
        assertThat(result.get("checked").asInt()).isEqualTo(1);
        assertThat(result.get("alerts").asInt()).isEqualTo(1);
        assertThat(result.get("next_cursor").isNull()).isTrue();
        JsonNode alerts = json(get(ADMIN, "/v1/alerts")).get("alerts");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("conversation_id").asText()).isEqualTo("old-one");
        assertThat(alerts.get(0).get("backfill").asBoolean()).isTrue();
        // another tenant's backfill sees none of acme's conversations
        assertThat(json(get(OTHER, "/v1/alerts")).get("alerts")).isEmpty();
    }
}
