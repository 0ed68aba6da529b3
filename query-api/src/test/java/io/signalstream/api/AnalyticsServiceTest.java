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
import io.signalstream.api.analytics.AnalyticsFeed;
import io.signalstream.api.analytics.AnalyticsStore;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/analytics} without a broker: buckets by granularity and range, oldest first, the
 * latest version of each, tenants apart, tombstones and old minute buckets gone.
 */
@RoutingTest
class AnalyticsServiceTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String ACME = "analytics-acme-key";
    private static final String GLOBEX = "analytics-globex-key";
    private static final Path DIR = TestDirs.create("analytics-conversations");
    private static final LuceneConversationStore STORE =
            LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(DIR));
    private static final Fanout FANOUT = new Fanout(Fanout.Limits.DEFAULTS);
    private static final AnalyticsFeed ANALYTICS =
            new AnalyticsFeed(
                    AnalyticsStore.open(TestDirs.create("analytics-buckets")),
                    new Fanout(Fanout.Limits.DEFAULTS));
    private static final Instant H = Instant.parse("2026-12-01T09:00:00Z");
    private static long offset;

    private final DirectClient client;

    AnalyticsServiceTest(DirectClient client) {
        this.client = client;
    }

    private static void bucket(String tenant, String granularity, Instant start, long messages) {
        String key = tenant + "/" + granularity + "/" + start;
        byte[] value =
                """
                {"tenant_id": "%s", "granularity": "%s", "start": "%s", "messages": %d}"""
                        .formatted(tenant, granularity, start, messages)
                        .getBytes(StandardCharsets.UTF_8);
        ANALYTICS.accept(record(key, value));
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>(
                Topics.ANALYTICS, 0, offset++, key.getBytes(StandardCharsets.UTF_8), value);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ApiSettings settings =
                ApiSettings.local(
                        "unused:9092", ApiKeys.parse(ACME + "=acme," + GLOBEX + "=globex"), DIR);
        long now = System.currentTimeMillis();
        for (int h = 0; h < 5; h++) {
            bucket("acme", "hour", H.plusSeconds(3600L * h), h + 1);
        }
        bucket("acme", "hour", H.plusSeconds(3600), 20); // a newer version of a bucket
        bucket("acme", "hour", H.plusSeconds(7200), 1);
        ANALYTICS.accept(record("acme/hour/" + H.plusSeconds(7200), null)); // then a tombstone
        bucket("acme", "minute", Instant.ofEpochMilli(now - now % 60_000), 3);
        bucket("acme", "minute", Instant.ofEpochMilli(now - 8L * 86_400_000), 9); // too old
        bucket("globex", "hour", H, 100);
        // older than the topic keeps analytics: not kept either
        bucket("globex", "hour", Instant.ofEpochMilli(now - now % 3_600_000 - 91L * 86_400_000), 7);
        ANALYTICS.accept(record("x", "not json".getBytes(StandardCharsets.UTF_8)));
        ANALYTICS.accept(record("y", "{\"tenant_id\": \"acme\"}".getBytes(StandardCharsets.UTF_8)));
        QueryApi.routing(
                routing,
                TestParts.of(
                        settings,
                        m -> {},
                        STORE,
                        FANOUT,
                        List::of,
                        new ApiMetrics(),
                        new AlertFeed(new RecentAlerts(), new Fanout(Fanout.Limits.DEFAULTS)),
                        ANALYTICS));
    }

    @AfterAll
    static void close() throws Exception {
        ANALYTICS.close();
        FANOUT.close();
        STORE.close();
    }

    private Http1ClientResponse get(String key, String... query) {
        var req = client.get("/v1/analytics").header(HeaderNames.AUTHORIZATION, "Bearer " + key);
        for (int i = 0; i < query.length; i += 2) {
            req.queryParam(query[i], query[i + 1]);
        }
        return req.request();
    }

    private static List<Long> messages(JsonNode body) {
        List<Long> counts = new ArrayList<>();
        body.get("buckets").forEach(b -> counts.add(b.get("messages").asLong()));
        return counts;
    }

    @Test
    void theTenantsBucketsInTheRangeOldestFirstEachAsLastWritten() throws Exception {
        JsonNode body =
                MAPPER.readTree(
                        get(
                                        ACME,
                                        "granularity",
                                        "hour",
                                        "from",
                                        H.toString(),
                                        "to",
                                        H.plusSeconds(4 * 3600).toString())
                                .as(String.class));
        assertThat(body.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(body.get("granularity").asText()).isEqualTo("hour");
        // 09:00 → 1, 10:00 → its newer version 20, 11:00 tombstoned, 12:00 → 4; 13:00 is past `to`
        assertThat(messages(body)).containsExactly(1L, 20L, 4L);
        JsonNode globex =
                MAPPER.readTree(
                        get(
                                        GLOBEX,
                                        "granularity",
                                        "hour",
                                        "from",
                                        H.toString(),
                                        "to",
                                        H.plusSeconds(3600).toString())
                                .as(String.class));
        assertThat(messages(globex)).containsExactly(100L);
    }

    @Test
    void bucketsOlderThanTheyAreKeptAreGone() throws Exception {
        JsonNode body =
                MAPPER.readTree(
                        get(
                                        ACME,
                                        "granularity",
                                        "minute",
                                        "from",
                                        Instant.now().minusSeconds(86_400).toString())
                                .as(String.class));
        assertThat(messages(body)).containsExactly(3L);
        // the old one is not merely out of range: a range over it finds nothing either
        long old = System.currentTimeMillis() - 8L * 86_400_000;
        JsonNode past =
                MAPPER.readTree(
                        get(
                                        ACME,
                                        "granularity",
                                        "minute",
                                        "from",
                                        Instant.ofEpochMilli(old - 600_000).toString(),
                                        "to",
                                        Instant.ofEpochMilli(old + 600_000).toString())
                                .as(String.class));
        assertThat(messages(past)).isEmpty();
        JsonNode oldHours =
                MAPPER.readTree(
                        get(
                                        GLOBEX,
                                        "granularity",
                                        "hour",
                                        "from",
                                        Instant.now().minusSeconds(92L * 86_400).toString(),
                                        "to",
                                        Instant.now().minusSeconds(89L * 86_400).toString())
                                .as(String.class));
        assertThat(messages(oldHours)).isEmpty();
    }

    @Test
    void badParametersAreRefusedWithAProblem() {
        for (String[] query :
                List.of(
                        new String[] {"granularity", "week"},
                        new String[] {"from", "yesterday"},
                        new String[] {"from", H.toString(), "to", H.toString()},
                        new String[] {
                            "granularity",
                            "minute",
                            "from",
                            H.toString(),
                            "to",
                            "2026-12-31T00:00:00Z"
                        })) {
            Http1ClientResponse res = get(ACME, query);
            assertThat(res.status().code()).as(String.join(" ", query)).isEqualTo(400);
            assertThat(res.headers().contentType().map(Object::toString).orElse(""))
                    .contains("problem+json");
        }
    }
}
