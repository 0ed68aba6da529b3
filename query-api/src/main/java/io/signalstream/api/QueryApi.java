package io.signalstream.api;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.cors.CorsFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.helidon.webserver.websocket.WsRouting;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the Kafka producer for ingest, the one view consumer, and the web server.
 * {@link #start()} and {@link #stop()} bring all of it up and down together.
 */
public final class QueryApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

    private final Config serverConfig;
    private final ApiSettings settings;
    private final MessageIngest ingest;
    private final IntelligenceView view;
    private final TranscriptView transcripts;
    private final HealthService health;
    private final Auth auth;
    private final ApiMetrics metrics;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private WebServer server;

    public QueryApi(Config serverConfig, ApiSettings settings) {
        if (settings.apiKeys().isEmpty()) {
            throw new IllegalArgumentException(
                    "No API keys: set SIGNALSTREAM_API_KEYS=\"<key>=<tenant>,...\" or"
                            + " SIGNALSTREAM_API_KEYS_FILE (lines sha256:<hex>=<tenant>)");
        }
        this.serverConfig = serverConfig;
        this.settings = settings;
        this.ingest = new MessageIngest(settings);
        this.view = new IntelligenceView(settings);
        this.transcripts = new TranscriptView(settings);
        this.health = new HealthService(view, settings);
        this.auth = new Auth(settings.apiKeys());
        this.metrics = new ApiMetrics(view, transcripts);
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
        view.start();
        transcripts.start();
        var builder =
                WebServer.builder()
                        .config(serverConfig)
                        .featuresDiscoverServices(false)
                        .addFeature(
                                OpenApiFeature.builder()
                                        .servicesDiscoverServices(false)
                                        .staticFile("META-INF/openapi.yaml")
                                        .build())
                        .routing(this::routing)
                        .addRouting(
                                WsRouting.builder()
                                        .endpoint(
                                                "/ws/conversations/{id}/stream",
                                                () ->
                                                        new ConversationStreamListener(
                                                                view, auth, senders, metrics))
                                        .endpoint(
                                                "/ws/conversations",
                                                () ->
                                                        new ConversationStreamListener(
                                                                view, auth, senders, metrics)));
        if (!settings.corsOrigins().isEmpty()) {
            builder.addFeature(cors(settings.corsOrigins()));
        }
        server = builder.build().start();
        LOG.info("SignalStream API listening on port {} ({})", server.port(), settings);
        return this;
    }

    /** CORS for a separately hosted front end: the API's methods and headers, these origins. */
    private static CorsFeature cors(List<String> origins) {
        return CorsFeature.builder()
                .addPath(
                        path ->
                                path.pathPattern("/*")
                                        .allowOrigins(Set.copyOf(origins))
                                        .allowMethods(Set.of("GET", "POST", "OPTIONS"))
                                        .allowHeaders(Set.of("Authorization", "Content-Type"))
                                        .exposeHeaders(Set.of("Retry-After", "Location")))
                .build();
    }

    void routing(HttpRouting.Builder routing) {
        routing.addFilter(metrics)
                .get("/metrics", metrics::scrape)
                .register(
                        "/v1/messages",
                        new MessagesService(
                                ingest,
                                auth,
                                settings,
                                metrics,
                                new IngestRateLimiter(
                                        settings.ingestRatePerTenant(),
                                        settings.ingestBurstPerTenant(),
                                        System::nanoTime)))
                .register("/v1/conversations", new ConversationsService(view, transcripts, auth))
                .register("/health", health)
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

    public IntelligenceView view() {
        return view;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
        view.close();
        transcripts.close();
        health.close();
        ingest.close();
        senders.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
