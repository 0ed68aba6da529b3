package io.signalstream.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the end-to-end tests do to a running stack: post messages, read insights, tidy up. */
final class StackClient {

    static final ObjectMapper MAPPER = Json.newMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LocalStack stack;
    private final String key;

    /**
     * @param key the API key to call with, or null for the stack's development key
     */
    StackClient(LocalStack stack, String key) {
        this.stack = stack;
        this.key = key;
    }

    /** The local provider on two partitions and two subtasks, on {@code dataDir}. */
    static LocalStack.Options localOptions(Path dataDir) {
        return new LocalStack.Options(
                dataDir, 0, 0, 0, 2, 2, Path.of("..", "flink-conf"), "local", false);
    }

    static String message(String conversation, String id, String sender, String text) {
        return "{\"conversation_id\":\"%s\",\"message_id\":\"%s\",\"sender\":\"%s\",\"channel\":\"chat\",\"message\":\"%s\"}"
                .formatted(conversation, id, sender, text);
    }

    HttpResponse<String> post(String json) throws Exception {
        return HTTP.send(
                request("/v1/messages")
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The job's metrics in Prometheus' text format. */
    static String flinkMetrics(LocalStack stack) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(stack.flinkMetricsUrl())).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    HttpResponse<String> insights(String conversation) throws Exception {
        return HTTP.send(
                request("/v1/conversations/" + conversation + "/insights").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The conversation's {@code message_count}, or 0 while it has no insights. */
    long messageCount(String conversation) throws Exception {
        HttpResponse<String> res = insights(conversation);
        return res.statusCode() == 200
                ? MAPPER.readTree(res.body()).get("message_count").asLong()
                : 0;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path));
        return builder.header("Authorization", "Bearer " + (key == null ? stack.devKey() : key));
    }

    /** Waits until the folder holds a completed checkpoint numbered at least {@code n}. */
    static void awaitCheckpoint(Path checkpoints, int n) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                LocalStack.latestCheckpoint(checkpoints)
                                        .filter(
                                                p ->
                                                        Integer.parseInt(
                                                                        p.getFileName()
                                                                                .toString()
                                                                                .substring(4))
                                                                >= n)
                                        .isPresent());
    }

    /**
     * Removes a stack's data folder. Flink's MiniCluster may still be writing checkpoint folders
     * while it shuts down after the job is cancelled, so JUnit's strict clean-up would fail; the
     * tests use {@code @TempDir(cleanup = NEVER)} and this lenient removal instead.
     */
    static void removeLeniently(Path dir) {
        FileUtils.deleteDirectoryQuietly(dir.toFile());
    }

    /** Everything on these topics so far. */
    static List<ConsumerRecord<byte[], byte[]>> records(LocalStack stack, String... topics) {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.kafka().bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : topics) {
                c.partitionsFor(topic)
                        .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path, String json) throws Exception {
        return HTTP.send(
                request(path)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws Exception {
        return HTTP.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens a WebSocket on the stack's API with {@code key} (as the subprotocols {@code bearer,
     * <key>}) and puts every whole JSON frame it receives into {@code frames}.
     */
    static java.net.http.WebSocket frames(
            LocalStack stack,
            String key,
            String path,
            java.util.concurrent.BlockingQueue<com.fasterxml.jackson.databind.JsonNode> frames)
            throws Exception {
        return HTTP.newWebSocketBuilder()
                .subprotocols("bearer", key)
                .buildAsync(
                        URI.create(stack.apiUrl().replace("http", "ws") + path),
                        new java.net.http.WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(
                                    java.net.http.WebSocket socket,
                                    CharSequence data,
                                    boolean last) {
                                text.append(data);
                                if (last) {
                                    try {
                                        frames.add(MAPPER.readTree(text.toString()));
                                    } catch (java.io.IOException e) {
                                        throw new IllegalStateException(e);
                                    }
                                    text.setLength(0);
                                }
                                socket.request(1);
                                return null;
                            }
                        })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
