package io.signalstream.model;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry spans for the hops of a message: {@code POST /v1/messages}, the job's ingest, its
 * agents and model calls, the aggregate write. Each span continues the W3C {@code traceparent} of
 * the hop before it and gives the next hop its own ({@link Span#traceparent()}), so one trace
 * covers a message from its POST to its aggregate.
 *
 * <p>Off by default: no span is recorded or sent, and each hop still names itself with a new span
 * id of the same trace ({@link Traceparent#child}), as the headers have always carried. {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (e.g. {@code http://collector:4318}) turns it on: spans are sent in
 * batches over OTLP/HTTP (protobuf) to {@code <endpoint>/v1/traces}, at most {@link #QUEUE}
 * waiting; beyond that spans are dropped, never the messages. A caller's unsampled trace (flags
 * {@code 00}) stays unrecorded.
 */
public final class Tracing implements AutoCloseable {

    /** The one setting that turns spans on: where the OTLP/HTTP collector listens. */
    public static final String ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /** Spans waiting to be sent, at most; more are dropped. */
    public static final int QUEUE = 4096;

    /** Records nothing. */
    public static final Tracing OFF = new Tracing(null, null);

    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("signalstream.tenant");
    public static final AttributeKey<String> CONVERSATION =
            AttributeKey.stringKey("signalstream.conversation");
    public static final AttributeKey<String> MESSAGE =
            AttributeKey.stringKey("signalstream.message");

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SdkTracerProvider provider, Tracer tracer) {
        this.provider = provider;
        this.tracer = tracer;
    }

    /**
     * Spans of {@code service} sent to the OTLP/HTTP collector at {@code endpoint}; {@link #OFF}
     * when the endpoint is null or blank.
     *
     * @throws IllegalArgumentException when the endpoint is not an http(s) URL
     */
    public static Tracing otlp(String endpoint, String service) {
        String base = endpoint(endpoint);
        if (base == null) {
            return OFF;
        }
        return exportingTo(
                OtlpHttpSpanExporter.builder()
                        .setEndpoint(base + "/v1/traces")
                        .setTimeout(Duration.ofSeconds(5))
                        .setServiceClassLoader(Tracing.class.getClassLoader())
                        .build(),
                service,
                Duration.ofSeconds(1));
    }

    /**
     * The endpoint without a trailing slash; null for none.
     *
     * @throws IllegalArgumentException when it is not an http(s) URL
     */
    public static String endpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return null;
        }
        String base = endpoint.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(
                    ENDPOINT_VARIABLE
                            + " must be an http(s) URL such as http://collector:4318, not '"
                            + endpoint
                            + "'");
        }
        return base;
    }

    /** Spans of {@code service} handed to {@code exporter} in batches every {@code delay}. */
    static Tracing exportingTo(SpanExporter exporter, String service, Duration delay) {
        SdkTracerProvider provider =
                SdkTracerProvider.builder()
                        .setResource(
                                Resource.getDefault()
                                        .merge(
                                                Resource.create(
                                                        Attributes.of(
                                                                AttributeKey.stringKey(
                                                                        "service.name"),
                                                                service))))
                        .addSpanProcessor(
                                BatchSpanProcessor.builder(exporter)
                                        .setScheduleDelay(delay)
                                        .setMaxQueueSize(QUEUE)
                                        .build())
                        .build();
        return new Tracing(provider, provider.get("io.signalstream"));
    }

    /** Whether spans are recorded and sent. */
    public boolean on() {
        return provider != null;
    }

    /**
     * Starts a span named {@code name} under {@code parent} (a traceparent; a new trace when null
     * or invalid). End it with {@link Span#end()}.
     */
    public Span start(String name, SpanKind kind, String parent) {
        if (tracer == null) {
            return new Span(null, parent);
        }
        Context context = Context.root();
        String valid = Traceparent.valid(parent);
        if (valid != null) {
            SpanContext remote =
                    SpanContext.createFromRemoteParent(
                            valid.substring(3, 35),
                            valid.substring(36, 52),
                            TraceFlags.fromHex(valid, 53),
                            TraceState.getDefault());
            context = context.with(io.opentelemetry.api.trace.Span.wrap(remote));
        }
        io.opentelemetry.api.trace.Span span =
                tracer.spanBuilder(name).setSpanKind(kind).setParent(context).startSpan();
        SpanContext own = span.getSpanContext();
        Span started = new Span(span, null);
        started.traceparent =
                "00-"
                        + own.getTraceId()
                        + "-"
                        + own.getSpanId()
                        + "-"
                        + own.getTraceFlags().asHex();
        return started;
    }

    /** Sends what is waiting, at most five seconds. */
    void flush() {
        if (provider != null) {
            provider.forceFlush().join(5, TimeUnit.SECONDS);
        }
    }

    /** Sends what is waiting (at most five seconds) and stops. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    /** One hop of a message; its methods do nothing when tracing is off. */
    public static final class Span {
        private final io.opentelemetry.api.trace.Span span;
        private final String parent;
        private String traceparent;

        private Span(io.opentelemetry.api.trace.Span span, String parent) {
            this.span = span;
            this.parent = parent;
        }

        /** This span as the next hop's parent (off: a new span id of the parent's trace). */
        public String traceparent() {
            if (traceparent == null) {
                traceparent = Traceparent.child(parent);
            }
            return traceparent;
        }

        public Span set(AttributeKey<String> key, String value) {
            if (span != null && value != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        public Span set(String key, long value) {
            if (span != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        public Span set(String key, String value) {
            if (span != null && value != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        /** Marks the hop failed, with why. */
        public Span failed(String reason) {
            if (span != null) {
                span.setStatus(StatusCode.ERROR, reason == null ? "" : reason);
            }
            return this;
        }

        /** Whether this span is recorded: what only it would carry need not be built otherwise. */
        public boolean recorded() {
            return span != null;
        }

        public void end() {
            if (span != null) {
                span.end();
            }
        }
    }
}
