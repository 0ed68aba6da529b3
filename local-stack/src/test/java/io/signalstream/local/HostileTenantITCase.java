package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.model.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make test-hostile}: one tenant does everything it can to the product while another keeps
 * its steady traffic. The hostile tenant sends oversized and emoji-heavy bodies, 10,000
 * conversation ids, deep and huge JSON, invalid UTF-8, made-up HTTP methods, WebSockets that never
 * read, a burst far over its rate limit and personal data written every way the detector knows.
 *
 * <p>It holds when the job never restarts and records no exception, every calm message of every
 * phase reaches the calm tenant's WebSocket, the heap stays bounded, no personal data reaches any
 * topic but the raw one, and every hostile request was answered 4xx or processed.
 *
 * <p>How much the attack slows the calm tenant is a figure, not an assertion: the calm tenant's
 * POST → WebSocket p99 under the attack against its value without the hostile load (the mean of a
 * quiet phase before and one after, or the 100 ms target when that is lower). Its goal, at most 3×,
 * lives in {@code make bench} ({@code bench-hostile}, key {@code hostile.p99_ratio} of {@code
 * target/bench/results.json}): a 300-sample p99 on a shared 2-core machine is the longest stall of
 * the phase, a checkpoint's synchronous part most often, and moves with the machine's disk and load
 * more than with the product. Every run writes the figures to {@code target/hostile.json} ({@code
 * -Dhostile.report=} names another file) and prints them.
 *
 * <p>"Under the attack" is measured once the attack is under way: its first 3 s (every bad body,
 * made-up method and WebSocket handshake at once, the first burst, the refusal paths running for
 * the first time) are measured and reported on their own. The output splits each phase's p99 into
 * POST → raw topic → aggregate on Kafka → WebSocket.
 */
@EnabledIfSystemProperty(named = "signalstream.hostile", matches = "true")
class HostileTenantITCase {

    private static final String CALM_KEY = "calm-key-" + System.nanoTime();
    private static final String HOSTILE_KEY = "hostile-key-" + System.nanoTime();
    private static final int CALM_RATE = 20;
    private static final int CALM_CONVERSATIONS = 20;
    private static final Duration PHASE = Duration.ofSeconds(15);
    private static final Duration ONSET = Duration.ofSeconds(3);

    /**
     * Each tenant's ingest limit: messages a second, and as many at once. Isolation in a shared job
     * comes from the limits: the tenants' limits together (here 20 + 50 a second) must stay within
     * what the stack processes, and a tenant's burst is what the others may wait behind (a burst is
     * processed ahead of what arrives after it), as an operator sizes them. This 2-core stack
     * co-hosts Kafka, the job, the API and both clients; at the API's default of 200 a second the
     * accepted flood alone takes the job near its capacity here, and a burst of twice the rate (the
     * default) put 100 hostile messages ahead of the calm tenant's at the attack's start (p99 up to
     * 600 ms on a slower machine).
     */
    private static final int HOSTILE_LIMIT = 50;

    /** The calm tenant's POST → WebSocket p99 target without load (issue 8's data path). */
    private static final double P99_TARGET_MS = 100;

    /** The goal {@code make bench} holds the calm tenant's p99 under the attack to, ÷ quiet. */
    private static final int P99_RATIO_GOAL = 3;

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final int HOSTILE_IDS = 10_000;

    /** The flood's pace: eight times the hostile tenant's limit. */
    private static final int FLOOD_RATE = 8 * HOSTILE_LIMIT;

    /** Every way of writing personal data the detector must catch, and what must never show. */
    private static final Map<String, String> PII =
            Map.of(
                    "card with dots 4111.1111.1111.1111 ok",
                    "4111.1111.1111.1111",
                    "card 4111  1111  1111  1111 spaced",
                    "4111  1111  1111  1111",
                    "card 4111\u00A01111\u00A01111\u00A01111 nbsp",
                    "4111\u00A01111\u00A01111",
                    "card \uFF14\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11"
                            + " \uFF11\uFF11\uFF11\uFF11 wide",
                    "\uFF14\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11",
                    "jcb 3530 1113 3330 0000 please",
                    "3530 1113 3330 0000",
                    "ssn 123 45 6789 spaced",
                    "123 45 6789",
                    "mail me at hostile.person@example.com",
                    "hostile.person@example.com");

    @TempDir(cleanup = CleanupMode.NEVER)
    Path dataDir;

    private final HttpClient http =
            HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();

    @AfterEach
    void removeData() {
        StackClient.removeLeniently(dataDir);
    }

    @Test
    void oneTenantCannotStopTheOthersNorLeakData() throws Exception {
        LocalStack.Options options =
                StackClient.localOptions(dataDir)
                        .withApiKeys(CALM_KEY + "=calm," + HOSTILE_KEY + "=hostile")
                        .withIngestLimit(HOSTILE_LIMIT, HOSTILE_LIMIT);
        try (LocalStack stack = new LocalStack(options).start()) {
            String api = stack.apiUrl();
            Calm calm = new Calm(stack, api);
            calm.connect();

            calm.run("warm", Duration.ofSeconds(5)); // compiles the paths; not measured
            Latencies baseline = calm.run("base", PHASE);
            long heapBefore = heapAfterGc();

            Hostile hostile = new Hostile(stack, api);
            hostile.piiFirst();
            CompletableFuture<Void> attack = CompletableFuture.runAsync(hostile::attack);
            Latencies onset = calm.run("onset", ONSET);
            Latencies underAttack = calm.run("loud", PHASE);
            attack.get(5, TimeUnit.MINUTES);
            long heapAfter = heapAfterGc();

            // A stream that never reads is cut off once its queue is full or a send has waited
            // for the send timeout (10 s), whichever comes first. The hostile tenant's updates
            // keep flowing to them, within its limit, until they are.
            hostile.feedSilentUntilClosed(Duration.ofSeconds(90));
            assertThat(hostile.closedSilent()).isGreaterThanOrEqualTo(Hostile.SILENT_SOCKETS);
            hostile.closeSilent();
            JsonNode job = rest(stack, "/jobs/" + stack.jobId());
            JsonNode exceptions = rest(stack, "/jobs/" + stack.jobId() + "/exceptions");
            StringBuilder checkpoints = new StringBuilder();
            for (JsonNode c :
                    rest(stack, "/jobs/" + stack.jobId() + "/checkpoints").path("history")) {
                long at = c.path("trigger_timestamp").asLong() - underAttack.startMillis();
                if (at >= 0 && at <= PHASE.toMillis()) {
                    checkpoints.append(
                            String.format(
                                    " +%.1fs %d ms%s;",
                                    at / 1e3,
                                    c.path("end_to_end_duration").asLong(),
                                    checkpointParts(stack, job, c.path("id").asLong())));
                }
            }
            hostile.awaitProcessed();
            // A second quiet phase once the hostile backlog is processed: one 300-sample p99 on a
            // shared 2-core box moves ~1.5x between runs, so "without the hostile load" is the
            // mean of the phases before and after it.
            Latencies after = calm.run("after", PHASE);
            calm.stopTap();
            // Below the POST -> WebSocket p99 target (100 ms) a quiet p99 is scheduling noise on
            // this box: the attack's effect is taken against the quiet p99, or against the target
            // when the quiet p99 is within it.
            double quietP99 = Math.max((baseline.p99() + after.p99()) / 2, P99_TARGET_MS);
            Map<String, Latencies> phases = new LinkedHashMap<>();
            phases.put("before", baseline);
            phases.put("onset", onset);
            phases.put("under_attack", underAttack);
            phases.put("after", after);
            report(phases, quietP99, checkpoints.toString(), job.path("state").asText());

            System.out.printf(
                    "[hostile] calm POST->WebSocket without load: %s before, %s after%n"
                            + "[hostile] calm POST->WebSocket in the attack's first %d s: %s%n"
                            + "[hostile] calm POST->WebSocket under attack: %s%n"
                            + "[hostile] slowest under attack (due, then to raw/aggregate/WebSocket):"
                            + " %s; checkpoints then:%s%n"
                            + "[hostile] %d conversation ids in %.1f s; answers by status: %s%n"
                            + "[hostile] heap after GC: %d MB before, %d MB after%n"
                            + "[hostile] never-reading WebSockets closed: %d of %d%n",
                    baseline,
                    after,
                    ONSET.toSeconds(),
                    onset,
                    underAttack,
                    underAttack.slowest(),
                    checkpoints,
                    HOSTILE_IDS,
                    hostile.floodSeconds,
                    hostile.statuses,
                    heapBefore >> 20,
                    heapAfter >> 20,
                    hostile.closedSilent(),
                    Hostile.SILENT_SOCKETS);

            assertThat(job.get("state").asText()).isEqualTo("RUNNING");
            assertThat(exceptions.path("exceptionHistory").path("entries")).isEmpty();
            assertThat(baseline.seen()).isEqualTo(baseline.sent());
            assertThat(after.seen()).isEqualTo(after.sent());
            assertThat(onset.seen()).isEqualTo(onset.sent());
            assertThat(underAttack.seen()).isEqualTo(underAttack.sent());
            assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(256L << 20);
            assertThat(hostile.statuses.keySet())
                    .as("every hostile request answered 202 or 4xx")
                    .allMatch(s -> s == 202 || (s >= 400 && s < 500));
            assertThat(hostile.statuses).containsKeys(202, 400, 413, 429);
            hostile.assertNoPersonalDataLeft();
        }
    }

    /**
     * Where a checkpoint's time went, per operator chain: the slowest subtask's start delay
     * (barrier travel), alignment and synchronous part, in ms.
     */
    private String checkpointParts(LocalStack stack, JsonNode job, long id) throws Exception {
        StringBuilder parts = new StringBuilder(" (delay/alignment/sync:");
        String details = "/jobs/" + stack.jobId() + "/checkpoints/details/" + id + "/subtasks/";
        for (JsonNode vertex : job.path("vertices")) {
            JsonNode summary = rest(stack, details + vertex.path("id").asText()).path("summary");
            String name = vertex.path("name").asText();
            parts.append(
                    String.format(
                            " %s %d/%d/%d",
                            name.substring(0, Math.min(24, name.length())),
                            summary.path("start_delay").path("max").asLong(),
                            summary.path("alignment").path("duration").path("max").asLong(),
                            summary.path("checkpoint_duration").path("sync").path("max").asLong()));
        }
        return parts.append(')').toString();
    }

    /**
     * Writes the calm tenant's latencies, phase by phase, and the attack's effect on them to {@code
     * target/hostile.json} or the file {@code -Dhostile.report} names, for {@code make bench}.
     */
    private static void report(
            Map<String, Latencies> phases, double quietP99, String checkpoints, String jobState)
            throws IOException {
        ObjectNode out = StackClient.MAPPER.createObjectNode();
        Latencies attack = phases.get("under_attack");
        out.put("p99_ratio", Math.round(1000 * attack.p99() / quietP99) / 1000.0);
        out.put("p99_ratio_goal", P99_RATIO_GOAL);
        out.put("quiet_p99_ms", quietP99);
        out.put("p99_target_ms", P99_TARGET_MS);
        out.put("calm_rate_msgs_per_s", CALM_RATE);
        out.put("hostile_limit_msgs_per_s", HOSTILE_LIMIT);
        out.put("flood_rate_msgs_per_s", FLOOD_RATE);
        out.put("onset_seconds", ONSET.toSeconds());
        out.put("job_state", jobState);
        out.put("checkpoints_under_attack", checkpoints.strip());
        ObjectNode each = out.putObject("phases");
        phases.forEach(
                (name, l) ->
                        each.putObject(name)
                                .put("sent", l.sent())
                                .put("seen", l.seen())
                                .put("p50_ms", l.p50())
                                .put("p99_ms", l.p99())
                                .put("raw_topic_p99_ms", l.rawP99())
                                .put("aggregate_on_kafka_p99_ms", l.kafkaP99())
                                .put("slowest", l.slowest()));
        Path file = Path.of(System.getProperty("hostile.report", "target/hostile.json"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, out.toPrettyString());
        System.out.printf(
                "[hostile] calm p99 under attack ÷ quiet: %.3f (goal in make bench: ≤ %d); %s%n",
                out.get("p99_ratio").asDouble(), P99_RATIO_GOAL, file);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private JsonNode rest(LocalStack stack, String path) throws Exception {
        HttpResponse<String> res =
                http.send(
                        HttpRequest.newBuilder(URI.create(stack.flinkUi() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
        return StackClient.MAPPER.readTree(res.body());
    }

    /**
     * Latencies of one phase, open loop from each message's due time: to the WebSocket frame, and
     * (where the time goes) to the aggregate on Kafka.
     */
    record Latencies(
            int sent,
            int seen,
            double p50,
            double p99,
            double kafkaP99,
            double rawP99,
            long startMillis,
            String slowest) {
        @Override
        public String toString() {
            return String.format(
                    "p50 %.1f ms, p99 %.1f ms (%d of %d seen; p99 to the raw topic %.1f ms, to the"
                            + " aggregate on Kafka %.1f ms)",
                    p50, p99, seen, sent, rawP99, kafkaP99);
        }
    }

    /** The calm tenant: steady posts, one tenant-wide WebSocket that times each message. */
    private final class Calm {
        private final LocalStack stack;
        private final String api;
        private final Map<String, Long> due = new ConcurrentHashMap<>();
        private final Map<String, Long> seen = new ConcurrentHashMap<>();
        private final Map<String, Long> onKafka = new ConcurrentHashMap<>();
        private final Map<String, Long> onRaw = new ConcurrentHashMap<>();
        private final Map<String, Integer> rawCounts = new ConcurrentHashMap<>();
        private volatile boolean tapping = true;

        Calm(LocalStack stack, String api) {
            this.stack = stack;
            this.api = api;
        }

        /** Reads the aggregates as the job writes them, to tell the job's share from the API's. */
        private void tap() {
            Properties props = new Properties();
            props.put("bootstrap.servers", stack.kafka().bootstrapServers());
            try (KafkaConsumer<byte[], byte[]> c =
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : List.of(Topics.AI_AGGREGATED, Topics.MESSAGES_RAW)) {
                    c.partitionsFor(topic)
                            .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
                }
                c.assign(parts);
                c.seekToEnd(parts);
                while (tapping) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        // Only the calm tenant's records are read (keys are tenant/conversation).
                        if (r.value() == null
                                || r.key() == null
                                || !new String(r.key(), StandardCharsets.UTF_8)
                                        .startsWith("calm/")) {
                            continue;
                        }
                        JsonNode value = StackClient.MAPPER.readTree(r.value());
                        if (r.topic().equals(Topics.MESSAGES_RAW)) {
                            if ("calm".equals(value.path("tenant_id").asText())) {
                                String conversation = value.path("conversation_id").asText();
                                int n = rawCounts.merge(conversation, 1, Integer::sum);
                                onRaw.putIfAbsent(conversation + "#" + n, now);
                            }
                        } else {
                            record(value, onKafka, now);
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void record(JsonNode aggregate, Map<String, Long> into, long now) {
            if (!"calm".equals(aggregate.path("tenant_id").asText())) {
                return;
            }
            String conversation = aggregate.path("conversation_id").asText();
            long count = aggregate.path("message_count").asLong();
            for (long n = 1; n <= count; n++) {
                into.putIfAbsent(conversation + "#" + n, now);
            }
        }

        void stopTap() {
            tapping = false;
        }

        void connect() throws Exception {
            Thread tap = new Thread(this::tap, "aggregate-tap");
            tap.setDaemon(true);
            tap.start();
            http.newWebSocketBuilder()
                    .subprotocols("bearer", CALM_KEY)
                    .buildAsync(
                            URI.create(
                                    "ws://localhost:" + stack.api().port() + "/ws/conversations"),
                            new WebSocket.Listener() {
                                private final StringBuilder text = new StringBuilder();

                                @Override
                                public CompletionStage<?> onText(
                                        WebSocket ws, CharSequence data, boolean last) {
                                    text.append(data);
                                    if (last) {
                                        frame(text.toString());
                                        text.setLength(0);
                                    }
                                    ws.request(1);
                                    return null;
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
        }

        private void frame(String json) {
            long now = System.nanoTime();
            try {
                record(StackClient.MAPPER.readTree(json).path("data"), seen, now);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        Latencies run(String phase, Duration length) throws Exception {
            int total = (int) (CALM_RATE * length.toSeconds());
            long start = System.nanoTime() + 100_000_000L;
            List<String> sent = new ArrayList<>(total);
            List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                long at = start + i * (1_000_000_000L / CALM_RATE);
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    // Pacing the open-loop sender, not waiting for a result.
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String conversation = phase + "-" + (i % CALM_CONVERSATIONS);
                String id = conversation + "#" + (i / CALM_CONVERSATIONS + 1);
                due.put(id, at);
                sent.add(id);
                posts.add(
                        http.sendAsync(
                                post(
                                        api,
                                        CALM_KEY,
                                        StackClient.message(
                                                conversation,
                                                "m" + i,
                                                "customer",
                                                "Where is my parcel number " + i + "?")),
                                HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> p : posts) {
                assertThat(p.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            await().atMost(DEADLINE.plusSeconds(5))
                    .until(
                            () ->
                                    sent.stream().allMatch(seen::containsKey)
                                            || System.nanoTime() > deadline);
            double[] ms = latencies(sent, seen, deadline);
            int seenCount = (int) sent.stream().filter(seen::containsKey).count();
            long startMillis = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000;
            String slowest =
                    sent.stream()
                            .sorted(
                                    java.util.Comparator.comparingLong(
                                            (String id) ->
                                                    -seen.getOrDefault(id, deadline) + due.get(id)))
                            .limit(5)
                            .map(
                                    id ->
                                            String.format(
                                                    "+%.1fs %s/%s/%s ms",
                                                    (due.get(id) - start) / 1e9,
                                                    ms(id, onRaw, deadline),
                                                    ms(id, onKafka, deadline),
                                                    ms(id, seen, deadline)))
                            .collect(java.util.stream.Collectors.joining(", "));
            return new Latencies(
                    sent.size(),
                    seenCount,
                    ms[ms.length / 2],
                    p99(ms),
                    p99(latencies(sent, onKafka, deadline)),
                    p99(latencies(sent, onRaw, deadline)),
                    startMillis,
                    slowest);
        }

        private long ms(String id, Map<String, Long> at, long deadline) {
            return (at.getOrDefault(id, deadline) - due.get(id)) / 1_000_000;
        }

        /** Sorted milliseconds from due to seen; an unseen message counts at the deadline. */
        private double[] latencies(List<String> sent, Map<String, Long> at, long deadline) {
            double[] ms = new double[sent.size()];
            for (int i = 0; i < sent.size(); i++) {
                long end = at.getOrDefault(sent.get(i), deadline);
                ms[i] = Math.max(0, end - due.get(sent.get(i))) / 1e6;
            }
            Arrays.sort(ms);
            return ms;
        }

        private static double p99(double[] sorted) {
            return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
        }
    }

    private static HttpRequest post(String api, String key, String json) {
        return HttpRequest.newBuilder(URI.create(api + "/v1/messages"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    /** The hostile tenant. */
    private final class Hostile {
        static final int SILENT_SOCKETS = 20;

        private final LocalStack stack;
        private final String api;
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        volatile double floodSeconds;
        private final Set<String> accepted = ConcurrentHashMap.newKeySet();
        private final ConcurrentLinkedQueue<Socket> silent = new ConcurrentLinkedQueue<>();

        Hostile(LocalStack stack, String api) {
            this.stack = stack;
            this.api = api;
        }

        private void count(int status) {
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        }

        /** Each way of writing personal data, accepted before the flood uses up the budget. */
        void piiFirst() throws Exception {
            int i = 0;
            for (String text : PII.keySet()) {
                String conversation = "pii-" + i++;
                HttpResponse<String> res =
                        http.send(
                                post(
                                        api,
                                        HOSTILE_KEY,
                                        StackClient.message(conversation, "p", "customer", text)),
                                HttpResponse.BodyHandlers.ofString());
                count(res.statusCode());
                assertThat(res.statusCode()).isEqualTo(202);
                accepted.add(conversation);
            }
        }

        void attack() {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<CompletableFuture<?>> all = new ArrayList<>();
                all.add(CompletableFuture.runAsync(this::silentWebSockets, pool));
                all.add(CompletableFuture.runAsync(this::manyConversations, pool));
                all.add(CompletableFuture.runAsync(this::badBodies, pool));
                all.add(CompletableFuture.runAsync(this::madeUpMethods, pool));
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            } finally {
                pool.shutdown();
            }
        }

        /** WebSockets that upgrade and then never read a byte. */
        private void silentWebSockets() {
            for (int i = 0; i < SILENT_SOCKETS; i++) {
                try {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", stack.api().port()));
                    String key = Base64.getEncoder().encodeToString(new byte[16]);
                    s.getOutputStream()
                            .write(
                                    ("GET /ws/conversations?access_token="
                                                    + HOSTILE_KEY
                                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                                    + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                                    + key
                                                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                                            .getBytes(StandardCharsets.US_ASCII));
                    silent.add(s);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        /**
         * How many streams the server ended as too far behind or for a send that timed out, from
         * its metrics (reading the silent sockets here would unblock them).
         */
        int closedSilent() throws Exception {
            String metrics =
                    http.send(
                                    HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            double closed = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("signalstream_websocket_closed_behind_total")
                        || line.startsWith("signalstream_websocket_timed_out_total")) {
                    closed += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (int) closed;
        }

        /**
         * Long messages to a few conversations at 80 % of the tenant's limit (large aggregates for
         * every stream of the tenant) until the server has closed every silent stream, or {@code
         * max} has passed.
         */
        void feedSilentUntilClosed(Duration max) throws Exception {
            long interval = 1_000_000_000L * 5 / (HOSTILE_LIMIT * 4);
            long end = System.nanoTime() + max.toNanos();
            long next = System.nanoTime();
            String text = "Still waiting for my refund, order 1234. ".repeat(50);
            for (int i = 0; closedSilent() < SILENT_SOCKETS && System.nanoTime() < end; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    // Pacing the sender below the tenant's limit, not waiting for a result.
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += interval;
                String conversation = "feed-" + (i % 5);
                HttpResponse<String> res =
                        http.send(
                                post(
                                        api,
                                        HOSTILE_KEY,
                                        StackClient.message(
                                                conversation, "s" + i, "customer", text + i)),
                                HttpResponse.BodyHandlers.ofString());
                count(res.statusCode());
                if (res.statusCode() == 202) {
                    accepted.add(conversation);
                }
            }
        }

        void closeSilent() throws IOException {
            for (Socket s : silent) {
                s.close();
            }
        }

        /**
         * 10,000 conversation ids at {@link #FLOOD_RATE}, up to 16 at a time: a burst far over the
         * limit. Paced, because the client shares the box's two cores with the product: an unpaced
         * in-process flood measures how fast this JVM can send, and a remote attacker's sending
         * costs the product nothing.
         */
        private void manyConversations() {
            Semaphore inFlight = new Semaphore(16);
            List<CompletableFuture<Void>> all = new ArrayList<>(HOSTILE_IDS);
            long started = System.nanoTime();
            for (int i = 0; i < HOSTILE_IDS; i++) {
                String conversation = "flood-" + i;
                long wait = started + i * 1_000_000_000L / FLOOD_RATE - System.nanoTime();
                if (wait > 0) {
                    // Pacing the open-loop sender, not waiting for a result.
                    LockSupport.parkNanos(wait);
                }
                inFlight.acquireUninterruptibly();
                all.add(
                        http.sendAsync(
                                        post(
                                                api,
                                                HOSTILE_KEY,
                                                StackClient.message(
                                                        conversation,
                                                        "f" + i,
                                                        "customer",
                                                        i % 10 == 0
                                                                ? "\uD83D\uDE21".repeat(7_000)
                                                                : "I want my money back " + i)),
                                        HttpResponse.BodyHandlers.discarding())
                                .handle(
                                        (res, error) -> {
                                            inFlight.release();
                                            int status = res == null ? 599 : res.statusCode();
                                            count(status);
                                            if (status == 202) {
                                                accepted.add(conversation);
                                            }
                                            return null;
                                        }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            floodSeconds = (System.nanoTime() - started) / 1e9;
        }

        /** Oversized, deeply nested, huge and invalid-UTF-8 bodies. */
        private void badBodies() {
            List<byte[]> bodies = new ArrayList<>();
            String big = "x".repeat(200_000);
            bodies.add(
                    StackClient.message("big", "b1", "customer", big)
                            .getBytes(StandardCharsets.UTF_8));
            bodies.add(("[".repeat(50_000) + "]".repeat(50_000)).getBytes(StandardCharsets.UTF_8));
            bodies.add(
                    ("{\"conversation_id\":\"deep\",\"metadata\":"
                                    + "{\"a\":".repeat(5_000)
                                    + "1"
                                    + "}".repeat(5_001))
                            .getBytes(StandardCharsets.UTF_8));
            StringBuilder wide = new StringBuilder("{\"conversation_id\":\"wide\",\"metadata\":{");
            for (int i = 0; i < 3_000; i++) {
                wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
            }
            bodies.add(wide.append("}}").toString().getBytes(StandardCharsets.UTF_8));
            byte[] invalid =
                    StackClient.message("utf", "u1", "customer", "bad XX bytes")
                            .getBytes(StandardCharsets.UTF_8);
            int at = new String(invalid, StandardCharsets.UTF_8).indexOf("XX");
            invalid[at] = (byte) 0xC3;
            invalid[at + 1] = (byte) 0x28;
            bodies.add(invalid);
            for (int round = 0; round < 10; round++) {
                for (byte[] body : bodies) {
                    try {
                        HttpResponse<Void> res =
                                http.send(
                                        HttpRequest.newBuilder(URI.create(api + "/v1/messages"))
                                                .header("Authorization", "Bearer " + HOSTILE_KEY)
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding());
                        count(res.statusCode());
                    } catch (IOException e) {
                        count(599);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** Requests with methods no one defined, on one raw connection each. */
        private void madeUpMethods() {
            for (int i = 0; i < 200; i++) {
                try (Socket s = new Socket("127.0.0.1", stack.api().port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(
                            ("XYZ"
                                            + i
                                            + " /v1/conversations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                            + HOSTILE_KEY
                                            + "\r\nConnection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    String line =
                            new String(
                                    s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                    count(line.length() == 12 ? Integer.parseInt(line.substring(9, 12)) : 599);
                } catch (IOException | NumberFormatException e) {
                    count(599);
                }
            }
        }

        /** Every accepted hostile message was processed: its conversation has insights. */
        void awaitProcessed() {
            StackClient client = new StackClient(stack, HOSTILE_KEY);
            await().atMost(Duration.ofSeconds(120))
                    .until(
                            () -> {
                                for (String conversation : accepted) {
                                    if (client.messageCount(conversation) < 1) {
                                        return false;
                                    }
                                }
                                return true;
                            });
        }

        /** No topic but the raw one holds any of the personal data, in any spelling. */
        void assertNoPersonalDataLeft() {
            List<String> topics = new ArrayList<>(Topics.ALL);
            topics.remove(Topics.MESSAGES_RAW);
            List<ConsumerRecord<byte[], byte[]>> records =
                    StackClient.records(stack, topics.toArray(String[]::new));
            assertThat(records).isNotEmpty();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.value() == null) {
                    continue;
                }
                // JSON may escape non-ASCII characters: compare on the decoded text.
                String text = new String(r.value(), StandardCharsets.UTF_8);
                String decoded = text.contains("\\u") ? unescape(text) : text;
                for (String secret : PII.values()) {
                    assertThat(decoded)
                            .as(r.topic() + " " + new String(r.key(), StandardCharsets.UTF_8))
                            .doesNotContain(secret);
                }
            }
        }

        private String unescape(String json) {
            try {
                return StackClient.MAPPER.readTree(json).toString();
            } catch (IOException e) {
                return json;
            }
        }
    }
}
