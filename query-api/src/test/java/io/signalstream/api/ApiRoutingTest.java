package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.Fixtures;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The routes without a broker or a socket (Helidon's direct client): authentication, content type,
 * rate limits, problems, list parameters, ETags, readiness and the bound on metric series. The
 * store is the real one, on a temporary directory.
 */
@RoutingTest
class ApiRoutingTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String ACME = "acme-key";
    private static final String GLOBEX = "globex-key";
    private static final String LIMITED = "limited-key";
    private static final String INGEST_ONLY = "ingest-only-key";
    private static final String READ_ONLY = "read-only-key";
    private static final String ADMIN = "admin-key";
    private static final List<SupportMessage> WRITTEN = new CopyOnWriteArrayList<>();
    private static final Path DIR = TestDirs.create("routing-store");
    private static final LuceneConversationStore STORE =
            LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(DIR));
    private static final Fanout FANOUT = new Fanout(Fanout.Limits.DEFAULTS);
    private static volatile boolean caughtUp = true;
    private static final ApiMetrics METRICS = new ApiMetrics();

    private final DirectClient client;

    ApiRoutingTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ApiSettings settings =
                ApiSettings.local(
                                "unused:9092",
                                ApiKeys.parse(
                                        ACME
                                                + "=acme,"
                                                + GLOBEX
                                                + "=globex,"
                                                + LIMITED
                                                + "=limited,"
                                                + INGEST_ONLY
                                                + "=scoped/ingest,"
                                                + READ_ONLY
                                                + "=scoped/read,"
                                                + ADMIN
                                                + "=erasing/read+admin"),
                                DIR)
                        .withIngestLimit(0.001, 3);
        STORE.putAggregate(Fixtures.stored(Fixtures.aggregate("acme", "c1", 1)));
        STORE.putSlot("acme/c1", Fixtures.slot("acme", "c1", 1, 20, "where is my parcel"));
        STORE.putAggregate(Fixtures.stored(Fixtures.aggregate("erasing", "doomed", 1)));
        STORE.flush();
        QueryApi.routing(
                routing,
                TestParts.of(
                        settings,
                        WRITTEN::add,
                        STORE,
                        FANOUT,
                        () ->
                                List.of(
                                        new TopicFeed.ViewStatus(
                                                "aggregates", "agg", caughtUp, 0, 0),
                                        new TopicFeed.ViewStatus(
                                                "transcripts",
                                                "tr",
                                                caughtUp,
                                                caughtUp ? 0 : 1234,
                                                0)),
                        METRICS));
    }

    @AfterAll
    static void close() {
        FANOUT.close();
        STORE.close();
    }

    private Http1ClientResponse get(String pathAndQuery, String key) {
        String[] parts = pathAndQuery.split("\\?", 2);
        Http1ClientRequest req = client.get(parts[0]);
        if (parts.length == 2) {
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                req.queryParam(kv[0], kv[1]);
            }
        }
        if (key != null) {
            req.header(HeaderNames.AUTHORIZATION, "Bearer " + key);
        }
        return req.request();
    }

    private Http1ClientResponse post(String key, String json) {
        return client.post("/v1/messages")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + key)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(json);
    }

    private static JsonNode json(Http1ClientResponse res) throws Exception {
        return MAPPER.readTree(res.as(String.class));
    }

    private static void assertProblem(Http1ClientResponse res, int status, String detail)
            throws Exception {
        assertThat(res.status().code()).isEqualTo(status);
        assertThat(res.headers().contentType().orElseThrow().text())
                .startsWith("application/problem+json");
        JsonNode body = json(res);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).contains(detail);
    }

    private static final String MESSAGE =
            "{\"conversation_id\":\"c9\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"hi\"}";

    @Test
    void everyV1PathNeedsAValidKey() throws Exception {
        for (String path :
                List.of("/v1/conversations", "/v1/conversations/c1/insights", "/v1/unknown")) {
            for (String key : new String[] {null, "wrong"}) {
                Http1ClientResponse res = get(path, key);
                assertProblem(res, 401, "API key");
                assertThat(res.headers().get(HeaderNames.WWW_AUTHENTICATE).values())
                        .isEqualTo("Bearer realm=\"signalstream\"");
            }
        }
        assertThat(get("/health", null).status().code()).isEqualTo(200);
    }

    @Test
    void aMessageIsWrittenWithTheTenantOfTheKey() throws Exception {
        Http1ClientResponse res = post(GLOBEX, MESSAGE.replace("}", ",\"tenant_id\":\"acme\"}"));
        assertThat(res.status().code()).isEqualTo(202);
        assertThat(json(res).get("tenant_id").asText()).isEqualTo("globex");
        assertThat(WRITTEN)
                .anySatisfy(
                        m -> {
                            assertThat(m.conversationId()).isEqualTo("c9");
                            assertThat(m.tenantId()).isEqualTo("globex");
                        });
    }

    @Test
    void aKeyDoesOnlyWhatItsScopesAllow() throws Exception {
        Http1ClientResponse posted = post(INGEST_ONLY, MESSAGE);
        assertThat(posted.status().code()).isEqualTo(202);
        assertProblem(get("/v1/conversations", INGEST_ONLY), 403, "may not read conversations");
        assertProblem(get("/v1/conversations/c9/insights", INGEST_ONLY), 403, "'read' scope");

        assertThat(get("/v1/conversations", READ_ONLY).status().code()).isEqualTo(200);
        assertProblem(post(READ_ONLY, MESSAGE), 403, "may not post messages");
        // Keys written without scopes keep ingest and read, never admin.
        assertProblem(
                client.method(Method.DELETE)
                        .path("/v1/conversations/c1")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ACME)
                        .request(),
                403,
                "may not erase");
    }

    @Test
    void aConversationIdCarryingAnEmailAddressIsRefused() throws Exception {
        Http1ClientResponse res =
                post(GLOBEX, MESSAGE.replace("\"c9\"", "\"jane.doe@example.com\""));
        assertProblem(res, 400, "conversation_id: must be");
        assertThat(WRITTEN).noneMatch(m -> m.conversationId().contains("@"));
    }

    @Test
    void theDashboardMayNotBeFramedNorRunForeignCode() {
        Http1ClientResponse page = get("/", null);
        assertThat(page.status().code()).isEqualTo(200);
        String policy = page.headers().get(SecurityHeaders.CSP).values();
        assertThat(policy).contains("frame-ancestors 'none'", "script-src 'self'");
        assertThat(policy).doesNotContain("unsafe-inline", "unsafe-eval");
        for (Http1ClientResponse res :
                List.of(page, get("/v1/conversations", ACME), get("/health", null))) {
            assertThat(res.headers().get(HeaderNames.X_CONTENT_TYPE_OPTIONS).values())
                    .isEqualTo("nosniff");
        }
    }

    @Test
    void anAdminErasesAConversationAndItIsGoneAtOnce() throws Exception {
        assertThat(get("/v1/conversations/doomed/insights", ADMIN).status().code()).isEqualTo(200);

        Http1ClientResponse res =
                client.method(Method.DELETE)
                        .path("/v1/conversations/doomed")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ADMIN)
                        .request();

        assertThat(res.status().code()).isEqualTo(202);
        String erasureId = json(res).get("erasure_id").asText();
        assertThat(TestParts.ERASURES)
                .anySatisfy(
                        e -> {
                            assertThat(e.erasureId()).isEqualTo(erasureId);
                            assertThat(e.key()).isEqualTo("erasing/doomed");
                        });
        assertThat(get("/v1/conversations/doomed/insights", ADMIN).status().code()).isEqualTo(404);
        assertThat(json(get("/v1/conversations", ADMIN)).get("items").toString())
                .doesNotContain("doomed");
        assertProblem(
                client.method(Method.DELETE)
                        .path("/v1/conversations/bad@id")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ADMIN)
                        .request(),
                400,
                "Conversation ids are");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedBeforeItIsRead() throws Exception {
        Http1ClientResponse res =
                client.post("/v1/messages")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ACME)
                        .header(HeaderNames.CONTENT_TYPE, "text/plain")
                        .submit("hello");
        assertProblem(res, 415, "application/json");
    }

    @Test
    void aTenantOverItsLimitGets429WithRetryAfter() throws Exception {
        int accepted = 0;
        Http1ClientResponse last = null;
        for (int i = 0; i < 4; i++) {
            last = post(LIMITED, MESSAGE);
            if (last.status().code() == 202) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(3);
        assertProblem(last, 429, "limit");
        assertThat(Long.parseLong(last.headers().get(HeaderNames.RETRY_AFTER).values()))
                .isPositive();
    }

    @Test
    void listParametersAreCheckedAndEachProblemNamed() throws Exception {
        assertProblem(get("/v1/conversations?intent=shouting", ACME), 400, "intent must be one of");
        assertProblem(
                get("/v1/conversations?escalation=maybe", ACME), 400, "escalation must be true");
        assertProblem(
                get("/v1/conversations?from=yesterday", ACME), 400, "from must be an ISO-8601");
        assertProblem(
                get("/v1/conversations?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", ACME),
                400,
                "from must be before to");
        assertProblem(get("/v1/conversations?cursor=xyz", ACME), 400, "cursor");
        assertProblem(get("/v1/conversations?sort=oldest", ACME), 400, "sort must be");
        assertProblem(
                get("/v1/conversations?sort=waiting&waiting=false", ACME),
                400,
                "not with waiting=false");
        assertProblem(
                get(
                        "/v1/conversations?sort=waiting&cursor="
                                + new io.signalstream.api.store.Cursor(1, "acme/c1").encode(),
                        ACME),
                400,
                "give the same sort");
        assertProblem(get("/v1/conversations?limit=0&offset=-1", ACME), 400, "offset must be");
        assertProblem(
                get("/v1/conversations?q=" + "a".repeat(501), ACME), 400, "q may have up to 500");
    }

    @Test
    void theListAndSearchServeTheStore() throws Exception {
        JsonNode page = json(get("/v1/conversations?q=parcel&intent=COMPLAINT", ACME));
        assertThat(page.get("items")).hasSize(1);
        JsonNode item = page.get("items").get(0);
        assertThat(item.get("conversation_id").asText()).isEqualTo("c1");
        assertThat(item.get("last_activity").asText()).isEqualTo("2026-01-15T10:00:01Z");
        assertThat(page.get("total").asLong()).isEqualTo(1);
        assertThat(page.get("total_exact").asBoolean()).isTrue();
        assertThat(page.get("next_cursor").isNull()).isTrue();
        assertThat(json(get("/v1/conversations", GLOBEX)).get("items")).isEmpty();
        assertThat(json(get("/v1/conversations?sort=waiting", ACME)).get("total").asLong())
                .as("no customer of the store waits")
                .isZero();
    }

    @Test
    void insightsCarryTheVersionAsETagAndAnswer304WhenUnchanged() throws Exception {
        Http1ClientResponse res = get("/v1/conversations/c1/insights", ACME);
        assertThat(res.status().code()).isEqualTo(200);
        String etag = res.headers().get(HeaderNames.ETAG).values();
        assertThat(etag).isEqualTo("\"1000\"");
        assertThat(json(res).get("conversation_id").asText()).isEqualTo("c1");

        Http1ClientResponse same =
                client.get("/v1/conversations/c1/insights")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ACME)
                        .header(HeaderNames.IF_NONE_MATCH, etag)
                        .request();
        assertThat(same.status().code()).isEqualTo(304);
        Http1ClientResponse changed =
                client.get("/v1/conversations/c1/insights")
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + ACME)
                        .header(HeaderNames.IF_NONE_MATCH, "\"999\"")
                        .request();
        assertThat(changed.status().code()).isEqualTo(200);
        // another tenant's conversation does not exist for the caller
        assertProblem(get("/v1/conversations/c1/insights", GLOBEX), 404, "c1");
        assertThat(json(get("/v1/conversations/c1/messages", ACME)).get("messages"))
                .extracting(m -> m.get("message").asText())
                .containsExactly("where is my parcel");
    }

    @Test
    void readinessNamesEachViewAndHowFarBehindItIs() throws Exception {
        assertThat(get("/health/ready", null).status().code()).isEqualTo(200);
        caughtUp = false;
        try {
            Http1ClientResponse res = get("/health/ready", null);
            assertThat(res.status().code()).isEqualTo(503);
            JsonNode views = json(res).get("views");
            assertThat(views.get(1).get("name").asText()).isEqualTo("transcripts");
            assertThat(views.get(1).get("state").asText()).isEqualTo("catching_up");
            assertThat(views.get(1).get("lag").asLong()).isEqualTo(1234);
        } finally {
            caughtUp = true;
        }
    }

    @Test
    void madeUpMethodsAddNoMetricSeries() {
        long recorded = METRICS.requests();
        client.method(Method.create("XYZ0")).path("/v1/conversations").request().close();
        client.method(Method.create("XYZ0")).path("/nowhere").request().close();
        // A request is recorded as its exchange ends, just after the client has the answer.
        await().atMost(Duration.ofSeconds(10)).until(() -> METRICS.requests() >= recorded + 2);
        int before = METRICS.requestSeries();
        for (int i = 1; i <= 10_000; i++) {
            client.method(Method.create("XYZ" + i))
                    .path(i % 2 == 0 ? "/v1/conversations" : "/nowhere")
                    .request()
                    .close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> METRICS.requests() >= recorded + 10_002);
        assertThat(METRICS.requestSeries()).isEqualTo(before);
        assertThat(ApiMetrics.method("XYZ1")).isEqualTo("OTHER");
        assertThat(ApiMetrics.method("GET")).isEqualTo("GET");
    }
}
