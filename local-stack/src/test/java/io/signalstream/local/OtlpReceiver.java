package io.signalstream.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What an OpenTelemetry collector's OTLP/HTTP receiver does with traces, on loopback: takes {@code
 * POST /v1/traces} (protobuf) and keeps every span it was sent.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One span as a trace viewer shows it. */
    record Span(
            String service,
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            String kind,
            boolean failed) {}

    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", this::handle);
        server.start();
    }

    /** The value for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every span of {@code traceId} received so far. */
    List<Span> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream body = exchange.getRequestBody()) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans resource : request.getResourceSpansList()) {
                String service =
                        resource.getResource().getAttributesList().stream()
                                .filter(a -> a.getKey().equals("service.name"))
                                .map(KeyValue::getValue)
                                .map(v -> v.getStringValue())
                                .findFirst()
                                .orElse("");
                for (ScopeSpans scope : resource.getScopeSpansList()) {
                    for (io.opentelemetry.proto.trace.v1.Span s : scope.getSpansList()) {
                        spans.add(
                                new Span(
                                        service,
                                        HEX.formatHex(s.getTraceId().toByteArray()),
                                        HEX.formatHex(s.getSpanId().toByteArray()),
                                        HEX.formatHex(s.getParentSpanId().toByteArray()),
                                        s.getName(),
                                        s.getKind().name(),
                                        s.getStatus().getCode().getNumber() == 2));
                    }
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
