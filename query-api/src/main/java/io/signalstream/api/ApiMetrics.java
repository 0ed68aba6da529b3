package io.signalstream.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The API's metrics in Prometheus' text format at {@code GET /metrics} (Micrometer): requests by
 * route, method and status with latency histograms, WebSocket sessions, the views' size and
 * consumer lag, Kafka produce latency, and the JVM.
 */
final class ApiMetrics implements Filter {

    private static final Pattern CONVERSATION = Pattern.compile("^/v1/conversations/[^/]+/");
    private static final Duration[] SLOS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5)
    };

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger sessions = new AtomicInteger();
    private final Timer produce;

    ApiMetrics(IntelligenceView view, TranscriptView transcripts) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("signalstream.websocket.sessions", sessions, AtomicInteger::get)
                .description("Open WebSocket sessions")
                .register(registry);
        Gauge.builder("signalstream.view.conversations", view, CompactedTopicReader::size)
                .description("Conversations in the aggregate view")
                .register(registry);
        Gauge.builder("signalstream.view.lag", view, CompactedTopicReader::lag)
                .description("Aggregate records not yet read by the view")
                .tag("topic", "aggregated")
                .register(registry);
        Gauge.builder("signalstream.view.lag", transcripts, CompactedTopicReader::lag)
                .description("Transcript records not yet read by the transcript view")
                .tag("topic", "conversations.state")
                .register(registry);
        produce =
                Timer.builder("signalstream.kafka.produce")
                        .description("From send to Kafka's acknowledgement of one message")
                        .serviceLevelObjectives(SLOS)
                        .register(registry);
    }

    /** Counts a WebSocket session while it is open. */
    void sessionOpened() {
        sessions.incrementAndGet();
    }

    void sessionClosed() {
        sessions.decrementAndGet();
    }

    void produced(long nanos, boolean acknowledged) {
        if (acknowledged) {
            produce.record(nanos, TimeUnit.NANOSECONDS);
        } else {
            Counter.builder("signalstream.kafka.produce.failures").register(registry).increment();
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            MDC.clear();
            Timer.builder("signalstream.http.requests")
                    .description("HTTP requests by route, method and status")
                    .tag("route", route(req.prologue().uriPath().path()))
                    .tag("method", req.prologue().method().text())
                    .tag("status", Integer.toString(res.status().code()))
                    .serviceLevelObjectives(SLOS)
                    .register(registry)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
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
