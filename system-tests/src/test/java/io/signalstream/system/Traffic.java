package io.signalstream.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Posts messages the way a well-behaved client does: each message has its own {@code message_id},
 * and a 503 (or a failed connection) is retried with the same id until it is accepted. So the
 * number of distinct messages per conversation is exactly what the view must count.
 */
final class Traffic {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String apiUrl;
    private final String authorization;
    private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();

    Traffic(String apiUrl, String apiKey) {
        this.apiUrl = apiUrl;
        this.authorization = "Bearer " + apiKey;
    }

    /**
     * Posts {@code count} messages round-robin over {@code conversations} conversations, in the
     * background.
     */
    Future<?> start(String prefix, int conversations, int count, Duration pause) {
        return start(prefix, prefix, conversations, count, pause);
    }

    /**
     * Like {@link #start(String, int, int, Duration)}, with message ids of their own ({@code
     * idPrefix}).
     */
    Future<?> start(String prefix, String idPrefix, int conversations, int count, Duration pause) {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<?> done =
                executor.submit(
                        () -> {
                            for (int i = 0; i < count; i++) {
                                String conversation = prefix + "-" + (i % conversations);
                                post(
                                        conversation,
                                        idPrefix + "-m" + i,
                                        "message " + i + " about my order, please help");
                                LockSupport.parkNanos(pause.toNanos());
                            }
                            return null;
                        });
        executor.shutdown();
        return done;
    }

    /** Posts one message until it is accepted (bounded to five minutes). */
    void post(String conversation, String messageId, String text) throws Exception {
        String body =
                "{\"conversation_id\":\"%s\",\"message_id\":\"%s\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"%s\"}"
                        .formatted(conversation, messageId, text);
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(apiUrl + "/v1/messages"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", authorization)
                        .timeout(Duration.ofSeconds(15))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            sent.incrementAndGet();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                status = -1; // the API itself is down or restarting
            }
            if (status == 202) {
                accepted.computeIfAbsent(conversation, k -> new AtomicLong()).incrementAndGet();
                return;
            }
            if (status != 503 && status != -1) {
                throw new IllegalStateException("unexpected HTTP " + status + " for " + messageId);
            }
            refused.incrementAndGet();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("message " + messageId + " never accepted");
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
    }

    /** {@code PUT path} with a JSON body; returns the status. */
    int put(String path, String json) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(apiUrl + path))
                                .header("Content-Type", "application/json")
                                .header("Authorization", authorization)
                                .timeout(Duration.ofSeconds(15))
                                .PUT(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** {@code DELETE path}; returns the status. */
    int delete(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(apiUrl + path))
                                .header("Authorization", authorization)
                                .timeout(Duration.ofSeconds(15))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    Map<String, Long> acceptedPerConversation() {
        Map<String, Long> out = new ConcurrentHashMap<>();
        accepted.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    long totalAccepted() {
        return accepted.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** The view's {@code message_count} of a conversation, or -1 when it has none. */
    long messageCount(String conversation) {
        String body = insights(conversation);
        if (body == null) {
            return -1;
        }
        try {
            return MAPPER.readTree(body).get("message_count").asLong();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The whole aggregate of a conversation as JSON text, or null. */
    String insights(String conversation) {
        try {
            HttpResponse<String> res =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    apiUrl
                                                            + "/v1/conversations/"
                                                            + conversation
                                                            + "/insights"))
                                    .header("Authorization", authorization)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? res.body() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
