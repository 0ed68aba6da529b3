package io.signalstream.api;

import io.helidon.common.socket.SocketOptions;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.cors.CorsFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.helidon.webserver.websocket.WsRouting;
import io.signalstream.api.alerts.AlertFeed;
import io.signalstream.api.alerts.RecentAlerts;
import io.signalstream.api.analytics.AnalyticsFeed;
import io.signalstream.api.analytics.AnalyticsStore;
import io.signalstream.api.book.KafkaTenantBook;
import io.signalstream.api.book.TenantBook;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.rules.Backfill;
import io.signalstream.api.rules.KafkaAlertSink;
import io.signalstream.api.store.ConversationStore;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.store.StoreWriter;
import io.signalstream.api.stream.Fanout;
import io.signalstream.api.webhooks.DeliveryLog;
import io.signalstream.api.webhooks.WebhookDeliverer;
import io.signalstream.model.Topics;
import io.signalstream.model.Tracing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the message log (Kafka) for ingest, the conversation store and the feed that
 * fills it from the job's topics, the WebSocket fan-out, and the web server. {@link #start()} and
 * {@link #stop()} bring all of it up and down together; {@link #setup} is the one place the
 * server's routes, WebSocket endpoints and features are registered, for this service and for tests.
 */
public final class QueryApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

    /**
     * What the routes serve from: small interfaces, so routing tests run without a broker.
     *
     * @param log where accepted messages go
     * @param store the conversations
     * @param fanout the WebSocket sessions
     * @param readiness what {@code /health/ready} reports
     * @param rules the tenants' alert rules
     * @param alerts the alerts the job raised, and their WebSocket sessions
     * @param webhooks the tenants' webhooks
     * @param deliveries the webhook delivery log
     * @param alertSink where a backfill's alerts go
     * @param tracing the spans of {@code POST /v1/messages}
     */
    public record Parts(
            ApiSettings settings,
            MessageLog log,
            ConversationStore store,
            StoreWriter writer,
            Fanout fanout,
            Readiness readiness,
            ApiMetrics metrics,
            TenantBook rules,
            TenantBook webhooks,
            AlertFeed alerts,
            DeliveryLog deliveries,
            Backfill.AlertSink alertSink,
            AnalyticsFeed analytics,
            Tracing tracing) {}

    private final Config serverConfig;
    private final ApiSettings settings;
    private WebServer server;
    private MessageIngest ingest;
    private LuceneConversationStore store;
    private TopicFeed feed;
    private Fanout fanout;
    private KafkaProbe probe;
    private PipelineWatch pipeline;
    private KafkaTenantBook rules;
    private KafkaTenantBook webhooks;
    private DeliveryLog deliveries;
    private WebhookDeliverer deliverer;
    private KafkaAlertSink alertSink;
    private AlertFeed alerts;
    private AnalyticsFeed analytics;
    private Tracing tracing = Tracing.OFF;

    public QueryApi(Config serverConfig, ApiSettings settings) {
        if (settings.apiKeys().isEmpty()) {
            throw new IllegalArgumentException(
                    "No API keys: set SIGNALSTREAM_API_KEYS=\"<key>=<tenant>,...\" or"
                            + " SIGNALSTREAM_API_KEYS_FILE (lines sha256:<hex>=<tenant>)");
        }
        this.serverConfig = serverConfig;
        this.settings = settings;
    }

    /** Reads {@code server} and {@code signalstream} from {@code config}. */
    public static QueryApi create(Config config) {
        return new QueryApi(
                config.get("server"),
                ApiSettings.from(config.get("signalstream"), System.getenv()));
    }

    /** An API on {@code 127.0.0.1:port} (0 picks a free port) for the local stack and tests. */
    public static QueryApi local(ApiSettings settings, int port) {
        return new QueryApi(
                Config.just(
                        ConfigSources.create(
                                Map.of(
                                        "port",
                                        Integer.toString(port),
                                        "host",
                                        "127.0.0.1",
                                        "max-payload-size",
                                        Long.toString(4L * settings.maxBodyBytes())))),
                settings);
    }

    public synchronized QueryApi start() {
        tracing = Tracing.otlp(settings.otlpEndpoint(), "signalstream-api");
        store = LuceneConversationStore.open(settings.store());
        fanout = new Fanout(settings.streams());
        feed =
                new TopicFeed(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.AI_AGGREGATED),
                                Topics.prefixed(settings.topicPrefix(), Topics.TRANSCRIPT),
                                store,
                                fanout,
                                settings.feedFetch())
                        .start();
        ingest = new MessageIngest(settings);
        rules =
                new KafkaTenantBook(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.RULES),
                                settings.produceTimeout(),
                                TenantBook.RULES_PER_TENANT)
                        .start();
        alerts =
                new AlertFeed(new RecentAlerts(), new Fanout(settings.streams()))
                        .follow(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.ALERTS));
        analytics =
                new AnalyticsFeed(
                                AnalyticsStore.open(analyticsDir(settings.storeDir())),
                                new Fanout(settings.streams()))
                        .follow(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.ANALYTICS));
        webhooks =
                new KafkaTenantBook(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.WEBHOOKS),
                                settings.produceTimeout(),
                                TenantBook.WEBHOOKS_PER_TENANT)
                        .start();
        deliveries =
                new DeliveryLog(
                        settings.clientProperties(),
                        Topics.prefixed(settings.topicPrefix(), Topics.WEBHOOK_DELIVERIES),
                        Topics.prefixed(settings.topicPrefix(), Topics.DLQ));
        deliverer =
                new WebhookDeliverer(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.ALERTS),
                                settings.topicPrefix() + WEBHOOK_GROUP,
                                webhooks,
                                settings.webhooks().guard(),
                                settings.webhooks().delivery(),
                                deliveries)
                        .start();
        alertSink =
                new KafkaAlertSink(
                        settings.clientProperties(),
                        Topics.prefixed(settings.topicPrefix(), Topics.ALERTS),
                        settings.produceTimeout());
        probe = new KafkaProbe(settings);
        pipeline =
                new PipelineWatch(
                                settings.clientProperties(),
                                Topics.prefixed(settings.topicPrefix(), Topics.MESSAGES_RAW),
                                settings.pipeline())
                        .start();
        TopicFeed views = feed;
        KafkaProbe kafka = probe;
        PipelineWatch job = pipeline;
        Readiness readiness =
                new Readiness() {
                    @Override
                    public boolean kafkaReachable() {
                        return kafka.reachable();
                    }

                    @Override
                    public List<TopicFeed.ViewStatus> views() {
                        return views.views();
                    }

                    @Override
                    public PipelineWatch.Status pipeline() {
                        return job.status();
                    }
                };
        ApiMetrics metrics = new ApiMetrics();
        metrics.gauge(
                "signalstream.pipeline.lag",
                "Accepted messages the job has not yet committed (-1: unknown)",
                job,
                w -> w.status().lag());
        metrics.gauge(
                "signalstream.pipeline.stalled.seconds",
                "How long the job's offsets have not moved while messages wait",
                job,
                w -> w.status().stalledForMs() / 1000.0);
        for (TopicFeed.ViewStatus view : feed.views()) {
            metrics.gauge(
                    "signalstream.view.lag",
                    "Records of the view's topic not yet read",
                    feed,
                    f ->
                            f.views().stream()
                                    .filter(v -> v.view().equals(view.view()))
                                    .mapToLong(TopicFeed.ViewStatus::lag)
                                    .sum(),
                    "view",
                    view.view());
        }
        LuceneConversationStore s = store;
        metrics.gauge(
                "signalstream.store.conversations",
                "Conversations in the store",
                s,
                LuceneConversationStore::conversations);
        metrics.gauge(
                "signalstream.store.pending",
                "Conversations written to the store and not yet searchable",
                s,
                LuceneConversationStore::pendingConversations);
        Parts parts =
                new Parts(
                        settings,
                        ingest,
                        store,
                        store,
                        fanout,
                        readiness,
                        metrics,
                        rules,
                        webhooks,
                        alerts,
                        deliveries,
                        alertSink,
                        analytics,
                        tracing);
        WebServerConfig.Builder builder = WebServer.builder().config(serverConfig);
        setup(builder, parts);
        server = builder.build().start();
        LOG.info("SignalStream API listening on port {} ({})", server.port(), settings);
        return this;
    }

    /** Where the analytics buckets are kept: beside the conversation store. */
    static Path analyticsDir(Path storeDir) {
        return storeDir.resolveSibling(storeDir.getFileName() + "-analytics");
    }

    /** The consumer group of the webhook deliveries (after the topic prefix). */
    static final String WEBHOOK_GROUP = "signalstream-webhooks";

    /** Open TCP connections at most, WebSocket sessions (5,000 by default) included. */
    static final int MAX_CONNECTIONS = 10_000;

    /** HTTP requests being handled at once at most. */
    static final int MAX_CONCURRENT_REQUESTS = 1_000;

    /** Registers the HTTP routes, WebSocket endpoints, OpenAPI and CORS. */
    public static void setup(WebServerConfig.Builder server, Parts parts) {
        Auth auth = new Auth(parts.settings().apiKeys());
        Fanout fanout = parts.fanout();
        ApiMetrics metrics = parts.metrics();
        metrics.gauge(
                "signalstream.websocket.sessions",
                "Open WebSocket sessions",
                fanout,
                Fanout::sessions);
        metrics.counter(
                "signalstream.websocket.refused",
                "WebSocket sessions refused by a cap",
                fanout,
                Fanout::refused);
        metrics.counter(
                "signalstream.websocket.closed.behind",
                "WebSocket sessions closed as too far behind",
                fanout,
                Fanout::closedBehind);
        metrics.counter(
                "signalstream.websocket.timed.out",
                "WebSocket sessions cut off by the send timeout",
                fanout,
                Fanout::timedOut);
        // Answers and WebSocket frames go out as written: with Nagle's algorithm a response in two
        // segments waits for the client's delayed acknowledgement (40 ms).
        // Bounds on sockets and on requests in flight, unless the server's configuration sets
        // them (server.max-tcp-connections, server.max-concurrent-requests): beyond the first a
        // connection waits to be accepted, beyond the second a request is answered 503.
        if (server.maxTcpConnections() <= 0) {
            server.maxTcpConnections(MAX_CONNECTIONS);
        }
        if (server.maxConcurrentRequests() <= 0) {
            server.maxConcurrentRequests(MAX_CONCURRENT_REQUESTS);
        }
        SocketOptions.Builder socket = SocketOptions.builder();
        server.connectionOptions().ifPresent(socket::from);
        server.connectionOptions(socket.tcpNoDelay(true).build());
        server.featuresDiscoverServices(false)
                .addFeature(
                        OpenApiFeature.builder()
                                .servicesDiscoverServices(false)
                                .staticFile("META-INF/openapi.yaml")
                                .build())
                .routing(r -> routing(r, parts, auth))
                .addRouting(
                        WsRouting.builder()
                                .endpoint(
                                        "/ws/conversations/{id}/stream",
                                        () ->
                                                new ConversationStreamListener(
                                                        parts.store(), fanout, auth))
                                .endpoint(
                                        "/ws/conversations",
                                        () ->
                                                new ConversationStreamListener(
                                                        parts.store(), fanout, auth))
                                .endpoint(
                                        "/ws/alerts",
                                        () ->
                                                new TenantStreamListener(
                                                        parts.alerts().streams(), auth))
                                .endpoint(
                                        "/ws/analytics",
                                        () ->
                                                new TenantStreamListener(
                                                        parts.analytics().streams(), auth)));
        if (!parts.settings().corsOrigins().isEmpty()) {
            server.addFeature(cors(parts.settings().corsOrigins()));
        }
    }

    /** The HTTP routes alone, for routing tests. */
    public static void routing(HttpRouting.Builder routing, Parts parts) {
        routing(routing, parts, new Auth(parts.settings().apiKeys()));
    }

    /** CORS for a separately hosted front end: the API's methods and headers, these origins. */
    private static CorsFeature cors(List<String> origins) {
        return CorsFeature.builder()
                .addPath(
                        path ->
                                path.pathPattern("/*")
                                        .allowOrigins(Set.copyOf(origins))
                                        .allowMethods(
                                                Set.of("GET", "POST", "PUT", "DELETE", "OPTIONS"))
                                        .allowHeaders(Set.of("Authorization", "Content-Type"))
                                        .exposeHeaders(Set.of("Retry-After", "Location")))
                .build();
    }

    private static void routing(HttpRouting.Builder routing, Parts parts, Auth auth) {
        ApiSettings settings = parts.settings();
        routing.addFilter(parts.metrics())
                .addFilter(new SecurityHeaders())
                .addFilter(auth)
                .addFilter(new JsonBodies())
                .addFilter(
                        new IngestRateLimiter(
                                settings.ingestRatePerTenant(),
                                settings.ingestBurstPerTenant(),
                                System::nanoTime))
                .get("/metrics", parts.metrics()::scrape)
                .register(
                        "/v1/messages",
                        new MessagesService(
                                parts.log(), settings, parts.metrics(), parts.tracing()))
                .register(
                        "/v1/conversations",
                        new ConversationsService(
                                parts.store(),
                                parts.log(),
                                key -> {
                                    // Gone from every endpoint at once; the job's tombstones
                                    // follow and remove it from the topics.
                                    parts.writer().erase(key);
                                    parts.fanout().removed(key);
                                    int slash = key.indexOf('/');
                                    parts.alerts()
                                            .recent()
                                            .removeConversation(
                                                    key.substring(0, slash),
                                                    key.substring(slash + 1));
                                }))
                .register(
                        "/v1/rules",
                        BookService.rules(
                                parts.rules(), new Backfill(parts.store(), parts.alertSink())))
                .register(
                        "/v1/webhooks",
                        BookService.webhooks(
                                parts.webhooks(), settings.webhooks().guard(), parts.deliveries()))
                .register("/v1/alerts", new AlertsService(parts.alerts().recent()))
                .register("/v1/analytics", new AnalyticsService(parts.analytics().store()))
                .register(
                        "/v1/usage",
                        new UsageService(parts.analytics().store(), settings.tokenBudgets()))
                .register("/health", new HealthService(parts.readiness()))
                .register(
                        "/",
                        StaticContentFeature.createService(
                                ClasspathHandlerConfig.builder()
                                        .location("dashboard")
                                        .welcome("index.html")
                                        .build()))
                // Whatever no route answers gets a problem, like every other error. The OpenAPI
                // document and CORS preflights are served by features routed after this.
                .any(
                        (req, res) -> {
                            if (req.prologue().method() == Method.OPTIONS
                                    || req.path().path().startsWith("/openapi")) {
                                res.next();
                                return;
                            }
                            httpError(
                                    req,
                                    res,
                                    new HttpException("no route", Status.NOT_FOUND_404, true));
                        })
                .error(HttpException.class, QueryApi::httpError)
                .error(
                        Exception.class,
                        (req, res, e) -> {
                            LOG.error(
                                    "unexpected error on {} {}",
                                    req.prologue().method(),
                                    req.path().path(),
                                    e);
                            Problems.send(
                                    res,
                                    Status.INTERNAL_SERVER_ERROR_500,
                                    "Internal Server Error",
                                    "Something went wrong on our side; the error is logged.");
                        });
    }

    /**
     * Helidon's own answers (404 for an unknown path, 304 for an unchanged file, 405, 413, ...)
     * keep their status; errors get a problem body, a 304 none.
     */
    private static void httpError(ServerRequest req, ServerResponse res, HttpException e) {
        Status status = e.status();
        if (status.code() < 400) {
            res.status(status).send();
            return;
        }
        String detail =
                switch (status.code()) {
                    case 404 -> "There is nothing at " + req.path().path() + "; see /openapi";
                    case 405 ->
                            req.prologue().method().text()
                                    + " is not allowed on "
                                    + req.path().path();
                    case 413 -> "The request is too large";
                    default -> status.reasonPhrase();
                };
        Problems.send(res, status, status.reasonPhrase(), detail);
    }

    public int port() {
        return server.port();
    }

    /** The store, while the API runs. */
    public ConversationStore store() {
        return store;
    }

    /** The analytics buckets and their feed, while the API runs. */
    public AnalyticsFeed analytics() {
        return analytics;
    }

    /** Every view's progress, while the API runs. */
    public List<TopicFeed.ViewStatus> views() {
        return feed.views();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (fanout != null) {
            fanout.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (store != null) {
            store.close();
        }
        if (probe != null) {
            probe.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (ingest != null) {
            ingest.close();
        }
        if (rules != null) {
            rules.close();
        }
        if (analytics != null) {
            try {
                analytics.close();
            } catch (IOException e) {
                LOG.warn("the analytics store did not close cleanly: {}", e.toString());
            }
        }
        if (alerts != null) {
            alerts.close();
        }
        if (deliverer != null) {
            deliverer.close();
        }
        if (alertSink != null) {
            alertSink.close();
        }
        if (deliveries != null) {
            deliveries.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        tracing.close();
        tracing = Tracing.OFF;
        rules = null;
        alerts = null;
        deliverer = null;
        alertSink = null;
        deliveries = null;
        webhooks = null;
        fanout = null;
        feed = null;
        store = null;
        probe = null;
        pipeline = null;
        ingest = null;
    }

    @Override
    public void close() {
        stop();
    }
}
