package io.signalstream.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The API's metrics in Prometheus' text format at {@code GET /metrics} (Micrometer): requests by
 * route, method and status with latency histograms, WebSocket sessions, the views' lag and the
 * store's size, Kafka produce latency, and the JVM.
 *
 * <p>Every tag has a fixed set of values, so no request can add a series: routes are templates,
 * methods the standard ones or {@code OTHER}, statuses the codes HTTP defines or {@code other}.
 */
final class ApiMetrics implements Filter {

    private static final Pattern CONVERSATION = Pattern.compile("^/v1/conversations/[^/]+/");
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
    private static final String REQUESTS = "signalstream.http.requests";
    private static final Duration[] SLOS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5)
    };

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer produce;
    private final Counter produceFailures;

    /**
     * Each request series' timer, found by its tags' values instead of registered again per
     * request. Bounded by the tags' fixed sets, not by the registry's guard below: at most the
     * route templates × ten methods × 501 statuses, in practice the few statuses the API answers
     * with. A series the guard denies is kept here as its no-op timer.
     */
    private final Map<Series, Timer> requests = new ConcurrentHashMap<>();

    ApiMetrics() {
        // A last guard: were a tag ever to take unbounded values, its series stop growing here.
        registry.config()
                .meterFilter(
                        MeterFilter.maximumAllowableTags(REQUESTS, "route", 40, MeterFilter.deny()))
                .meterFilter(
                        MeterFilter.maximumAllowableTags(
                                REQUESTS, "status", 60, MeterFilter.deny()));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        produce =
                Timer.builder("signalstream.kafka.produce")
                        .description("From send to Kafka's acknowledgement of one message")
                        .serviceLevelObjectives(SLOS)
                        .register(registry);
        produceFailures =
                Counter.builder("signalstream.kafka.produce.failures")
                        .description("Messages Kafka did not acknowledge in time")
                        .register(registry);
    }

    /** A gauge read when scraped. */
    <T> void gauge(
            String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
        Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
    }

    /** A counter kept elsewhere, read when scraped. */
    <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    /** The number of request series, for tests that they stay bounded. */
    int requestSeries() {
        return registry.find(REQUESTS).meters().size();
    }

    /** Requests recorded so far. */
    long requests() {
        return registry.find(REQUESTS).timers().stream().mapToLong(Timer::count).sum();
    }

    void produced(long nanos, boolean acknowledged) {
        if (acknowledged) {
            produce.record(nanos, TimeUnit.NANOSECONDS);
        } else {
            produceFailures.increment();
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            requests.computeIfAbsent(
                            new Series(
                                    route(req.prologue().uriPath().path()),
                                    method(req.prologue().method().text()),
                                    status(res.status().code())),
                            this::requestTimer)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** One request series: a route template, a method and a status, each from a fixed set. */
    private record Series(String route, String method, String status) {}

    private Timer requestTimer(Series s) {
        return Timer.builder(REQUESTS)
                .description("HTTP requests by route, method and status")
                .tag("route", s.route())
                .tag("method", s.method())
                .tag("status", s.status())
                .serviceLevelObjectives(SLOS)
                .register(registry);
    }

    /** The method, or {@code OTHER} for any name HTTP does not define. */
    static String method(String name) {
        return METHODS.contains(name) ? name : "OTHER";
    }

    static String status(int code) {
        return code >= 100 && code <= 599 ? Integer.toString(code) : "other";
    }

    /** A route template, so ids never become label values. */
    static String route(String path) {
        if (path.equals("/v1/messages") || path.equals("/v1/conversations")) {
            return path;
        }
        if (CONVERSATION.matcher(path).find()) {
            return path.endsWith("/insights")
                    ? "/v1/conversations/{id}/insights"
                    : path.endsWith("/messages") ? "/v1/conversations/{id}/messages" : "other";
        }
        if (path.startsWith("/health")) {
            return path.equals("/health/ready") ? "/health/ready" : "/health";
        }
        if (path.equals("/metrics") || path.startsWith("/openapi")) {
            return path.startsWith("/openapi") ? "/openapi" : "/metrics";
        }
        return path.startsWith("/v1/") ? "other" : "static";
    }

    void scrape(ServerRequest req, ServerResponse res) {
        res.headers().set(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(registry.scrape());
    }
}
