package io.signalstream.api;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
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
    private final HealthService health;
    private final Tenants tenants;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private WebServer server;

    public QueryApi(Config serverConfig, ApiSettings settings) {
        this.serverConfig = serverConfig;
        this.settings = settings;
        this.ingest = new MessageIngest(settings);
        this.view = new IntelligenceView(settings);
        this.health = new HealthService(view, settings);
        this.tenants = new Tenants(settings);
    }

    /** Reads {@code server} and {@code signalstream} from {@code config}. */
    public static QueryApi create(Config config) {
        return new QueryApi(
                config.get("server"),
                ApiSettings.from(config.get("signalstream"), System.getenv()));
    }

    /**
     * An API on {@code 127.0.0.1:port} (0 picks a free port) for a plain local broker, with the
     * default tenant and the development tenant header: the local stack and tests.
     */
    public static QueryApi local(String bootstrapServers, int port) {
        return new QueryApi(
                Config.just(
                        ConfigSources.create(
                                Map.of("port", Integer.toString(port), "host", "127.0.0.1"))),
                new ApiSettings(
                        bootstrapServers,
                        "",
                        "demo-tenant",
                        true,
                        Duration.ofSeconds(4),
                        new Properties()));
    }

    public synchronized QueryApi start() {
        view.start();
        server =
                WebServer.builder()
                        .config(serverConfig)
                        .routing(this::routing)
                        .addRouting(
                                WsRouting.builder()
                                        .endpoint(
                                                "/ws/conversations/{id}/stream",
                                                () ->
                                                        new ConversationStreamListener(
                                                                view, tenants, senders)))
                        .build()
                        .start();
        LOG.info(
                "SignalStream API listening on port {} (Kafka {})",
                server.port(),
                settings.bootstrapServers());
        return this;
    }

    void routing(HttpRouting.Builder routing) {
        routing.register("/v1/messages", new MessagesService(ingest, tenants, settings))
                .register("/v1/conversations", new ConversationsService(view, tenants))
                .register("/health", health)
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
                                    io.helidon.http.Status.INTERNAL_SERVER_ERROR_500,
                                    "Internal Server Error",
                                    "Something went wrong on our side; the error is logged.");
                        });
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
        health.close();
        ingest.close();
        senders.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
