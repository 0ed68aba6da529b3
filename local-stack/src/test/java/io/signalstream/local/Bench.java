package io.signalstream.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code make bench}, the product on this machine: the local stack (Kafka, the job on a MiniCluster
 * with offline agents, the API) driven by our own open-loop load generators over loopback.
 * Latencies are measured from each request's intended send time, so a stalled server cannot hide
 * its stall (coordinated omission), into HdrHistograms. Every scenario is bounded in count and
 * time.
 *
 * <p>Arguments: the JSON file to write (default {@code target/bench/stack.json}).
 */
public final class Bench {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    private final LocalStack stack;
    private final String key;
    private final ObjectNode results = MAPPER.createObjectNode();

    private Bench(LocalStack stack) {
        this.stack = stack;
        this.key = stack.devKey();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/stack.json");
        Path data = Files.createTempDirectory("bench");
        try (LocalStack stack =
                new LocalStack(
                                new LocalStack.Options(
                                        data, 0, 0, 0, 4, 2, Path.of("flink-conf"), "local", false))
                        .start()) {
            Bench bench = new Bench(stack);
            bench.warmUp();
            bench.pipeline(out.resolveSibling("pipeline.jfr"));
            bench.ingest();
            bench.endToEnd();
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(
                    out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(bench.results));
            System.out.println(bench.results.toPrettyString());
        } finally {
            StackClient.removeLeniently(data);
        }
        System.exit(0);
    }

    // --- Scenario 2: pipeline throughput --------------------------------------------------------

    /**
     * Messages produced straight into {@code support.messages.raw} (2,000 conversations), first as
     * fast as Kafka takes them (the job's capacity, measured when the last message is in the
     * aggregate), then at 80 % of that rate for 30 s with the lag sampled every second.
     */
    private void pipeline(Path jfr) throws Exception {
        ObjectNode node = results.putObject("pipeline");
        Recording recording = new Recording(jdk.jfr.Configuration.getConfiguration("default"));
        recording.start();
        AggregateTracker tracker = new AggregateTracker(stack.kafka().bootstrapServers());
        tracker.start();
        long messages = 40_000;
        long started = System.nanoTime();
        Map<String, Long> expected = produce("cap", messages, 2_000, 0);
        long produced = System.nanoTime();
        tracker.awaitAll(expected, Duration.ofMinutes(3));
        long done = System.nanoTime();
        double capacity = messages / ((done - started) / 1e9);
        node.put("burst_messages", messages);
        node.put("burst_produce_seconds", (produced - started) / 1e9);
        node.put("burst_complete_seconds", (done - started) / 1e9);
        node.put("capacity_messages_per_second", Math.round(capacity));

        double rate = Math.max(500, capacity * 0.8);
        long sustainedMessages = Math.round(rate * 30);
        ArrayNode lag = node.putArray("sustained_lag_per_second");
        CompletableFuture<Map<String, Long>> load =
                CompletableFuture.supplyAsync(() -> produce("sus", sustainedMessages, 2_000, rate));
        long sustainedStart = System.nanoTime();
        while (!load.isDone()) {
            Thread.sleep(1000);
            long sent =
                    Math.min(
                            sustainedMessages,
                            Math.round(rate * (System.nanoTime() - sustainedStart) / 1e9));
            lag.add(Math.max(0, sent - tracker.completedWithPrefix("sus")));
        }
        tracker.awaitAll(load.get(), Duration.ofMinutes(3));
        long sustainedDone = System.nanoTime();
        node.put("sustained_rate_messages_per_second", Math.round(rate));
        node.put("sustained_messages", sustainedMessages);
        node.put(
                "sustained_drain_seconds_after_last",
                (sustainedDone - sustainedStart) / 1e9 - sustainedMessages / rate);
        tracker.close();
        recording.stop();
        recording.dump(jfr);
        recording.close();
        node.set("profile_top_frames", topFrames(jfr, 15, null));
        node.set("profile_top_product_frames", topFrames(jfr, 10, "io.signalstream"));
        node.put("profile", jfr.getFileName().toString());
    }

    /**
     * Produces {@code count} messages over {@code conversations}; rate 0 for as fast as possible.
     */
    private Map<String, Long> produce(String prefix, long count, int conversations, double rate) {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.kafka().bootstrapServers());
        props.put("linger.ms", "5");
        props.put("batch.size", "262144");
        props.put("acks", "all");
        Map<String, Long> perConversation = new HashMap<>();
        String[] texts = {
            "Where is my order? It was due on Monday.",
            "I was charged twice for the same subscription, please refund one.",
            "Thanks, that fixed it, great service!",
            "The app crashes every time I open settings.",
            "I cannot log in, the reset email never arrives and I am getting frustrated."
        };
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            for (long i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = t0 + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                String conversation = prefix + "-" + (i % conversations);
                perConversation.merge(conversation, 1L, Long::sum);
                String json =
                        "{\"message_id\":\"%s-%d\",\"tenant_id\":\"bench\",\"conversation_id\":\"%s\",\"sender\":\"%s\",\"message\":\"%s\",\"channel\":\"chat\",\"timestamp\":\"%s\",\"metadata\":{}}"
                                .formatted(
                                        prefix,
                                        i,
                                        conversation,
                                        i % 3 == 2 ? "agent" : "customer",
                                        texts[(int) (i % texts.length)],
                                        Instant.now());
                producer.send(
                        new ProducerRecord<>(
                                Topics.MESSAGES_RAW,
                                ConversationKey.of("bench", conversation)
                                        .getBytes(StandardCharsets.UTF_8),
                                json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return perConversation;
    }

    /**
     * Reads the aggregate topic and knows, per conversation, the last message every agent covered.
     */
    private static final class AggregateTracker implements AutoCloseable {
        @JsonIgnoreProperties(ignoreUnknown = true)
        record Status(long seq) {}

        @JsonIgnoreProperties(ignoreUnknown = true)
        record Aggregate(String conversationId, long messageCount, Map<String, Status> agents) {}

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Long> complete = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        AggregateTracker(String bootstrap) {
            Properties props = new Properties();
            props.put("bootstrap.servers", bootstrap);
            props.put("max.poll.records", "5000");
            consumer =
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions =
                    consumer.partitionsFor(Topics.AI_AGGREGATED).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(this::run, "bench-aggregates");
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        Aggregate a = MAPPER.readValue(r.value(), Aggregate.class);
                        if (a.agents() == null || a.agents().size() < 5) {
                            continue;
                        }
                        long covered =
                                a.agents().entrySet().stream()
                                        .filter(e -> !e.getKey().equals("reply"))
                                        .mapToLong(e -> e.getValue().seq())
                                        .min()
                                        .orElse(0);
                        complete.merge(a.conversationId(), covered, Math::max);
                    } catch (Exception e) {
                        // not an aggregate of ours
                    }
                }
            }
            consumer.close();
        }

        long completedWithPrefix(String prefix) {
            return complete.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix + "-"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        void awaitAll(Map<String, Long> expected, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                if (expected.entrySet().stream()
                        .allMatch(e -> complete.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("the pipeline did not finish within " + limit);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    // --- Scenario 1: ingest --------------------------------------------------------------------

    /**
     * POST → 202 at fixed rates for 10 s each, then stepping up to the highest rate with p99 under
     * 50 ms.
     */
    private void ingest() throws Exception {
        ObjectNode node = results.putObject("ingest");
        ArrayNode runs = node.putArray("runs");
        double best = 0;
        for (int rate : new int[] {250, 500, 1_000, 2_000, 5_000}) {
            ObjectNode run =
                    postAtRate(rate, Duration.ofSeconds(rate <= 1_000 ? 10 : 5), "ing" + rate);
            runs.add(run);
            boolean ok =
                    run.get("p99_ms").asDouble() < 50
                            && run.get("errors").asLong() == 0
                            && run.get("achieved_per_second").asDouble() > rate * 0.95;
            if (ok) {
                best = rate;
            }
            drain();
            if (!ok && rate >= 2_000) {
                break;
            }
        }
        node.put("highest_rate_with_p99_under_50ms", best);
    }

    /** Open loop: request i is due at t0 + i/rate; its latency counts from then. */
    private ObjectNode postAtRate(int rate, Duration length, String prefix) throws Exception {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long count = rate * length.toSeconds();
        URI uri = URI.create(stack.apiUrl().replace("localhost", "127.0.0.1") + "/v1/messages");
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (long i = 0; i < count; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String body =
                    StackClient.message(
                            prefix + "-" + (i % 500),
                            prefix + "-" + i,
                            "customer",
                            "Where is my parcel? It is late.");
            HttpRequest request =
                    HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + key)
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build();
            inFlight.add(
                    send(request)
                            .whenComplete(
                                    (res, error) -> {
                                        recorder.recordValue(Math.max(1, System.nanoTime() - due));
                                        done.incrementAndGet();
                                        if (error != null || res.statusCode() != 202) {
                                            if (errors.incrementAndGet() <= 3) {
                                                System.out.println(
                                                        "ingest error: "
                                                                + (error != null
                                                                        ? error.toString()
                                                                        : "status "
                                                                                + res
                                                                                        .statusCode()));
                                            }
                                        }
                                    }));
        }
        long sendEnd = System.nanoTime();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .get(90, TimeUnit.SECONDS);
        Histogram h = recorder.getIntervalHistogram();
        ObjectNode run = MAPPER.createObjectNode();
        run.put("target_per_second", rate);
        run.put("requests", count);
        run.put("achieved_per_second", Math.round(count / ((sendEnd - t0) / 1e9)));
        run.put("errors", errors.get());
        percentiles(run, h);
        System.out.printf(
                "ingest %d/s: p50 %.2f ms p99 %.2f ms p99.9 %.2f ms errors %d%n",
                rate,
                run.get("p50_ms").asDouble(),
                run.get("p99_ms").asDouble(),
                run.get("p999_ms").asDouble(),
                errors.get());
        return run;
    }

    /** Waits until the job has worked off the backlog the API load left behind (bounded). */
    private void drain() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (backlog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    /**
     * Raw messages not yet consumed by the job's source, from the partitions' end offsets and state
     * records.
     */
    private long backlog() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.kafka().bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return endOffset(c, Topics.MESSAGES_RAW) - endOffset(c, Topics.TRANSCRIPT);
        }
    }

    private static long endOffset(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> partitions =
                c.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    // --- Scenario 3: end to end ----------------------------------------------------------------

    /**
     * POST at 1,000 messages/s for 20 s over 200 conversations; latency until the WebSocket shows
     * each one.
     */
    private void endToEnd() throws Exception {
        ObjectNode node = results.putObject("end_to_end");
        int rate = 1_000;
        int seconds = 20;
        String prefix = "e2e" + UUID.randomUUID().toString().substring(0, 6);
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(120), 3);
        Map<String, ConcurrentLinkedQueue<long[]>> pending = new ConcurrentHashMap<>();
        AtomicLong seen = new AtomicLong();
        WebSocket ws =
                HTTP.newWebSocketBuilder()
                        .subprotocols("bearer", key)
                        .buildAsync(
                                URI.create(
                                        stack.apiUrl().replace("http", "ws") + "/ws/conversations"),
                                new WebSocket.Listener() {
                                    private final StringBuilder text = new StringBuilder();

                                    @Override
                                    public CompletionStage<?> onText(
                                            WebSocket socket, CharSequence data, boolean last) {
                                        text.append(data);
                                        if (last) {
                                            long now = System.nanoTime();
                                            try {
                                                JsonNode update =
                                                        MAPPER.readTree(text.toString())
                                                                .get("data");
                                                ConcurrentLinkedQueue<long[]> waiting =
                                                        pending.get(
                                                                update.get("conversation_id")
                                                                        .asText());
                                                long count = update.get("message_count").asLong();
                                                if (waiting != null) {
                                                    long[] head;
                                                    while ((head = waiting.peek()) != null
                                                            && head[0] <= count) {
                                                        if (waiting.remove(head)) {
                                                            recorder.recordValue(
                                                                    Math.max(1, now - head[1]));
                                                            seen.incrementAndGet();
                                                        }
                                                    }
                                                }
                                            } catch (Exception e) {
                                                // not an update
                                            }
                                            text.setLength(0);
                                        }
                                        socket.request(1);
                                        return null;
                                    }
                                })
                        .get(10, TimeUnit.SECONDS);
        URI uri = URI.create(stack.apiUrl().replace("localhost", "127.0.0.1") + "/v1/messages");
        long count = (long) rate * seconds;
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        AtomicLong errors = new AtomicLong();
        for (long i = 0; i < count; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String conversation = prefix + "-" + (i % 200);
            long n = i / 200 + 1;
            pending.computeIfAbsent(conversation, c -> new ConcurrentLinkedQueue<>())
                    .add(new long[] {n, due});
            send(HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + key)
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            StackClient.message(
                                                    conversation,
                                                    prefix + "-" + i,
                                                    "customer",
                                                    "My parcel is late and I am annoyed")))
                            .build())
                    .whenComplete(
                            (res, error) -> {
                                if (error != null || res.statusCode() != 202) {
                                    errors.incrementAndGet();
                                }
                            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (seen.get() < count - errors.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        Histogram h = recorder.getIntervalHistogram();
        node.put("rate_per_second", rate);
        node.put("messages", count);
        node.put("seen_on_websocket", seen.get());
        node.put("errors", errors.get());
        percentiles(node, h);
        System.out.printf(
                "end to end at %d/s: p50 %.1f ms p99 %.1f ms (%d of %d seen)%n",
                rate,
                node.get("p50_ms").asDouble(),
                node.get("p99_ms").asDouble(),
                seen.get(),
                count);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static final java.util.concurrent.ExecutorService SENDERS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Sends on a virtual thread of its own, so the generator thread never waits for a connection
     * and each request leaves at its due time.
     */
    private static CompletableFuture<HttpResponse<Void>> send(HttpRequest request) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                SENDERS);
    }

    private void warmUp() throws Exception {
        postAtRate(200, Duration.ofSeconds(5), "warm");
        drain();
    }

    private static void percentiles(ObjectNode node, Histogram h) {
        node.put("p50_ms", h.getValueAtPercentile(50) / 1e6);
        node.put("p99_ms", h.getValueAtPercentile(99) / 1e6);
        node.put("p999_ms", h.getValueAtPercentile(99.9) / 1e6);
        node.put("max_ms", h.getMaxValue() / 1e6);
        node.put("samples", h.getTotalCount());
    }

    /** The methods most often on top of the stack in the recording, optionally only ours. */
    private static ArrayNode topFrames(Path jfr, int limit, String packagePrefix) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        long[] total = {0};
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                var event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                total[0]++;
                for (RecordedFrame frame : stack.getFrames()) {
                    String name =
                            frame.getMethod().getType().getName()
                                    + "."
                                    + frame.getMethod().getName();
                    if (packagePrefix == null || name.startsWith(packagePrefix)) {
                        counts.merge(name, 1L, Long::sum);
                        break;
                    }
                }
            }
        }
        ArrayNode out = MAPPER.createArrayNode();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .forEach(
                        e ->
                                out.addObject()
                                        .put("frame", e.getKey())
                                        .put(
                                                "share",
                                                Math.round(1000.0 * e.getValue() / total[0])
                                                        / 10.0));
        return out;
    }
}
