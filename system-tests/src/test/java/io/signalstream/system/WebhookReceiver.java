package io.signalstream.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.signalstream.api.webhooks.Signature;
import io.signalstream.model.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver as a customer would write one: checks each signature and keeps each {@code
 * SignalStream-Delivery} once, counting the repeats it was sent.
 */
final class WebhookReceiver implements AutoCloseable {

    static final String SECRET = "system-test-webhook-secret";
    private static final ObjectMapper MAPPER = Json.newMapper();

    private final HttpServer server;
    private final Map<String, JsonNode> byDelivery = new ConcurrentHashMap<>();
    final AtomicLong repeats = new AtomicLong();
    final AtomicLong badSignatures = new AtomicLong();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(
                "/hook",
                exchange -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    String signature = exchange.getRequestHeaders().getFirst(Signature.HEADER);
                    String delivery =
                            exchange.getRequestHeaders().getFirst(Signature.DELIVERY_HEADER);
                    boolean valid =
                            signature != null
                                    && delivery != null
                                    && Signature.verify(
                                            SECRET,
                                            signature,
                                            body,
                                            Instant.now().getEpochSecond(),
                                            300);
                    exchange.sendResponseHeaders(valid ? 204 : 401, -1);
                    exchange.close();
                    if (!valid) {
                        badSignatures.incrementAndGet();
                    } else if (byDelivery.putIfAbsent(delivery, MAPPER.readTree(body).get("alert"))
                            != null) {
                        repeats.incrementAndGet();
                    }
                });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** {@code conversation#aggregate_version} of every alert kept, one per delivery id. */
    Set<String> alerts() {
        Set<String> alerts = ConcurrentHashMap.newKeySet();
        byDelivery
                .values()
                .forEach(
                        a ->
                                alerts.add(
                                        a.path("conversation_id").asText()
                                                + "#"
                                                + a.path("aggregate_version").asLong()));
        return alerts;
    }

    int deliveries() {
        return byDelivery.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
