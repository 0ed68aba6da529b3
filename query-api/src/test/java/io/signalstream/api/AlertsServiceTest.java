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
import io.signalstream.api.alerts.AlertFeed;
import io.signalstream.api.alerts.RecentAlerts;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/alerts} without a broker: pages, filters, tenants apart, replays kept once. */
@RoutingTest
class AlertsServiceTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String ACME = "alerts-acme-key";
    private static final String GLOBEX = "alerts-globex-key";
    private static final Path DIR = TestDirs.create("alerts-store");
    private static final LuceneConversationStore STORE =
            LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(DIR));
    private static final Fanout FANOUT = new Fanout(Fanout.Limits.DEFAULTS);
    private static final AlertFeed ALERTS =
            new AlertFeed(new RecentAlerts(), new Fanout(Fanout.Limits.DEFAULTS));
    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    private final DirectClient client;

    AlertsServiceTest(DirectClient client) {
        this.client = client;
    }

    private static byte[] alert(String tenant, String id, int minute, String severity) {
        return """
                {"id": "%s", "rule_id": "r", "tenant_id": "%s", "conversation_id": "c-%s",
                 "severity": "%s", "triggered_at": "%s", "aggregate_version": 1000,
                 "backfill": false}"""
                .formatted(id, tenant, id, severity, T0.plusSeconds(60L * minute))
                .getBytes(StandardCharsets.UTF_8);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ApiSettings settings =
                ApiSettings.local(
                        "unused:9092", ApiKeys.parse(ACME + "=acme," + GLOBEX + "=globex"), DIR);
        for (int i = 0; i < 7; i++) {
            ALERTS.accept(alert("acme", "a" + i, i, i % 2 == 0 ? "high" : "low"));
        }
        ALERTS.accept(alert("acme", "a3", 3, "low")); // a replay: kept once
        ALERTS.accept(alert("globex", "g1", 1, "critical"));
        ALERTS.accept("not json".getBytes(StandardCharsets.UTF_8));
        ALERTS.accept("{\"id\": \"x\"}".getBytes(StandardCharsets.UTF_8));
        QueryApi.routing(
                routing,
                TestParts.of(settings, m -> {}, STORE, FANOUT, List::of, new ApiMetrics(), ALERTS));
    }

    @AfterAll
    static void close() {
        ALERTS.close();
        FANOUT.close();
        STORE.close();
    }

    /** {@code GET path?query} ({@code a=b&c=d}, values as they are). */
    private Http1ClientResponse get(String key, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        var req =
                client.get(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + key);
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                req.queryParam(kv[0], kv[1]);
            }
        }
        return req.request();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("alerts").forEach(a -> ids.add(a.get("id").asText()));
        return ids;
    }

    @Test
    void newestFirstInPagesThatFollowTheirCursor() throws Exception {
        JsonNode first = MAPPER.readTree(get(ACME, "/v1/alerts?limit=3").as(String.class));
        assertThat(first.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(ids(first)).containsExactly("a6", "a5", "a4");
        String cursor = first.get("next_cursor").asText();
        JsonNode second =
                MAPPER.readTree(get(ACME, "/v1/alerts?limit=3&cursor=" + cursor).as(String.class));
        assertThat(ids(second)).containsExactly("a3", "a2", "a1");
        JsonNode last =
                MAPPER.readTree(
                        get(ACME, "/v1/alerts?limit=3&cursor=" + second.get("next_cursor").asText())
                                .as(String.class));
        assertThat(ids(last)).containsExactly("a0");
        assertThat(last.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void filtersBySinceAndSeverityAndKeepsTenantsApart() throws Exception {
        JsonNode high =
                MAPPER.readTree(
                        get(ACME, "/v1/alerts?severity=high,critical&since=" + T0.plusSeconds(120))
                                .as(String.class));
        assertThat(ids(high)).containsExactly("a6", "a4", "a2");
        JsonNode globex = MAPPER.readTree(get(GLOBEX, "/v1/alerts").as(String.class));
        assertThat(ids(globex)).containsExactly("g1");
    }

    @Test
    void badParametersAreRefusedWithAProblem() {
        for (String query :
                List.of(
                        "since=yesterday",
                        "severity=urgent",
                        "limit=0",
                        "limit=501",
                        "limit=ten",
                        "cursor=bm9wZQ")) {
            Http1ClientResponse res = get(ACME, "/v1/alerts?" + query);
            assertThat(res.status().code()).as(query).isEqualTo(400);
            assertThat(res.headers().contentType().orElseThrow().text())
                    .isEqualTo("application/problem+json");
        }
        assertThat(client.get("/v1/alerts").request().status().code()).isEqualTo(401);
    }
}
