package io.signalstream.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.kafka.FreePorts;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.AgentStatus;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Channel;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Topics;
import io.signalstream.model.TranscriptEntry;
import io.signalstream.model.Urgency;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The query API alone over a million conversations ({@code make bench-api}, part of {@code make
 * bench}): the aggregates and transcripts are written straight to the topics, as the job writes
 * them, then the API (its own JVM, its own heap limit) is started cold, loaded, restarted with its
 * store, and measured:
 *
 * <ul>
 *   <li>cold start to ready (every view caught up) and restart to ready with the store present;
 *   <li>heap used after a full collection once caught up, and after the WebSocket run;
 *   <li>{@code GET …/insights} of random conversations, {@code GET /v1/conversations} pages
 *       (filters, offsets) and searches, each open loop: a request's latency counts from when it
 *       was due;
 *   <li>tenant-wide WebSocket sessions while aggregates change at a fixed rate: the delay from each
 *       update's intended write until each session received it; deliveries never seen count at the
 *       deadline.
 * </ul>
 */
public final class ApiScaleBench {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String PREFIX = "scale.";
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    /** The sizes of a run; {@code -Dbench.api.conversations=...} and so on for a quick one. */
    record Settings(
            int conversations,
            int tenants,
            int messages,
            String heap,
            int insightsRate,
            int listRate,
            int searchRate,
            int seconds,
            int wsSessions,
            int wsRate,
            int wsSeconds) {
        static Settings fromProperties() {
            return new Settings(
                    Integer.getInteger("bench.api.conversations", 1_000_000),
                    Integer.getInteger("bench.api.tenants", 100),
                    Integer.getInteger("bench.api.messages", 3),
                    System.getProperty("bench.api.heap", "512m"),
                    Integer.getInteger("bench.api.insightsRate", 2_000),
                    Integer.getInteger("bench.api.listRate", 200),
                    Integer.getInteger("bench.api.searchRate", 100),
                    Integer.getInteger("bench.api.seconds", 20),
                    Integer.getInteger("bench.api.wsSessions", 1_000),
                    Integer.getInteger("bench.api.wsRate", 500),
                    Integer.getInteger("bench.api.wsSeconds", 30));
        }
    }

    private static final String[] SEARCHES = {
        "refund",
        "parcel courier",
        "password",
        "\"wrong address\"",
        "invoice",
        "wifi disconnecting",
        "supervisor",
        "battery",
        "discount code",
        "crushed -screen",
        "charger | battery",
        "subscr*",
    };

    /** {@code -Dbench.api.profile=<path prefix>}: a flight recording of each API process. */
    private final String profile = System.getProperty("bench.api.profile", "");

    private final Settings settings;
    private final Path work;
    private final ObjectNode results = MAPPER.createObjectNode();
    private final HttpClient http = HttpClient.newHttpClient();
    private Processes.Child kafka;
    private String bootstrap;
    private int port;

    private ApiScaleBench(Settings settings, Path work) {
        this.settings = settings;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/api-scale.json");
        String keep = System.getProperty("bench.api.work", "");
        Path work =
                keep.isEmpty()
                        ? Files.createTempDirectory("signalstream-api-bench")
                        : Path.of(keep);
        ApiScaleBench bench = new ApiScaleBench(Settings.fromProperties(), work);
        try {
            bench.run();
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, bench.results.toPrettyString());
            System.out.println(bench.results.toPrettyString());
        } finally {
            if (bench.kafka != null) {
                bench.kafka.close();
            }
            if (keep.isEmpty()) {
                StackBench.delete(work);
            }
        }
        System.exit(0);
    }

    private static String tenant(int t) {
        return "t%03d".formatted(t);
    }

    private static String apiKey(int t) {
        return "scale-key-" + t;
    }

    private String authorization(int t) {
        return "Bearer " + apiKey(t);
    }

    private void run() throws Exception {
        results.putPOJO("settings", settings);
        ObjectNode r = results.putObject("api_scale");
        // -Dbench.api.work=<dir> keeps the broker's data and the store for another run, which then
        // starts from them (for working on the query side; the cold start is not measured then).
        boolean reuse = Files.isDirectory(work.resolve("kafka"));
        startKafka();
        r.put("conversations", settings.conversations());
        if (!reuse) {
            long started = System.nanoTime();
            long bytes = generate();
            r.put("generate_s", round((System.nanoTime() - started) / 1e9, 1));
            r.put("generated_mb", round(bytes / 1e6, 0));
        }

        Path store = work.resolve("api-store");
        try (Processes.Child api = startApi(store, "api-cold")) {
            r.put(
                    reuse ? "reused_ready_s" : "cold_ready_s",
                    round(awaitReady(api, Duration.ofMinutes(30)), 1));
            awaitSearchable();
            r.put("heap_used_mb", round(heapAfterGc(api) / 1e6, 0));
            r.put("store_mb", round(size(store) / 1e6, 0));

            ObjectNode insights =
                    openLoop(api, "insights", settings.insightsRate(), this::insights);
            r.put("insights_p99_ms", insights.get("p99_ms").asDouble());
            r.set("insights", insights);
            ObjectNode list = openLoop(api, "list", settings.listRate(), this::listPage);
            r.put("list_p99_ms", list.get("p99_ms").asDouble());
            r.set("list", list);
            ObjectNode search = openLoop(api, "search", settings.searchRate(), this::search);
            r.put("search_p99_ms", search.get("p99_ms").asDouble());
            r.set("search", search);

            ObjectNode ws = webSockets(api);
            r.put("ws_sessions", ws.get("sessions").asInt());
            r.put("ws_delay_p99_ms", ws.get("p99_ms").asDouble());
            r.set("ws", ws);
            r.put("heap_used_after_ws_mb", round(heapAfterGc(api) / 1e6, 0));
        }
        try (Processes.Child api = startApi(store, "api-restart")) {
            r.put("restart_ready_s", round(awaitReady(api, Duration.ofMinutes(10)), 1));
            r.put("heap_used_after_restart_mb", round(heapAfterGc(api) / 1e6, 0));
        }
    }

    // --- processes -------------------------------------------------------------------------------

    private void startKafka() throws Exception {
        int[] kafkaPorts = FreePorts.pick(2, "127.0.0.1");
        bootstrap = "127.0.0.1:" + kafkaPorts[0];
        kafka = StackBench.kafka(work, kafkaPorts, 4);
        KafkaTopics.ensureAll(bootstrap, PREFIX, 4);
    }

    private Processes.Child startApi(Path store, String name) throws IOException {
        port = FreePorts.pick("0.0.0.0");
        StringBuilder keys = new StringBuilder();
        for (int t = 0; t < settings.tenants(); t++) {
            keys.append(t == 0 ? "" : ",").append(apiKey(t)).append('=').append(tenant(t));
        }
        return Processes.java(
                name,
                "io.signalstream.api.Main",
                List.of(),
                Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        bootstrap,
                        "TOPIC_PREFIX",
                        PREFIX,
                        "SIGNALSTREAM_API_KEYS",
                        keys.toString(),
                        "SIGNALSTREAM_STORE_DIR",
                        store.toString(),
                        "SIGNALSTREAM_WS_MAX_SESSIONS",
                        Integer.toString(settings.wsSessions() + 100),
                        "SERVER_PORT",
                        Integer.toString(port)),
                settings.heap(),
                logs(),
                jvmOptions(name));
    }

    /** As deployed (see {@link Processes#apiJvm}), and a recording when profiled. */
    private String[] jvmOptions(String name) {
        List<String> options = Processes.apiJvm(logs().resolve(name + "-gc.log"));
        if (!profile.isEmpty()) {
            options.add(
                    "-XX:StartFlightRecording=filename="
                            + Path.of(profile + "-" + name + ".jfr").toAbsolutePath()
                            + ",settings=profile,dumponexit=true");
            options.add("-XX:FlightRecorderOptions=stackdepth=256");
        }
        return options.toArray(String[]::new);
    }

    /** Seconds from now until {@code /health/ready} answers 200. */
    private double awaitReady(Processes.Child api, Duration timeout) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!api.process.isAlive()) {
                throw new IllegalStateException("the API exited: see target/bench/logs");
            }
            try {
                if (get("/health/ready").statusCode() == 200) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the API was not ready within " + timeout);
    }

    /** Waits until lists see every conversation (the store's refresh after the last write). */
    private void awaitSearchable() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        long expected = settings.conversations();
        // the store's own gauge (the readiness answer lists views, not conversations)
        while (System.nanoTime() < deadline) {
            if (metric("signalstream_store_conversations", Map.of()) >= expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the store does not list every conversation");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Heap in use after a full collection, read from the API's own metrics. */
    private double heapAfterGc(Processes.Child api) throws Exception {
        Process jcmd =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                Long.toString(api.pid()),
                                "GC.run")
                        .redirectErrorStream(true)
                        .start();
        jcmd.getInputStream().readAllBytes();
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return metric("jvm_memory_used_bytes", Map.of("area", "heap"));
    }

    /** The API's metric {@code name}, its series with {@code labels} summed. */
    private double metric(String name, Map<String, String> labels)
            throws IOException, InterruptedException {
        return ApiCounters.sum(get("/metrics").body(), name, labels);
    }

    private static Path logs() {
        return Path.of("target/bench/logs");
    }

    // --- the data --------------------------------------------------------------------------------

    /** Writes every conversation's aggregate and transcript slots; returns the bytes written. */
    private long generate() throws Exception {
        Corpus corpus = new Corpus(11);
        SplittableRandom random = new SplittableRandom(13);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer(50, 512 * 1024)) {
            for (int i = 0; i < settings.conversations(); i++) {
                int t = i % settings.tenants();
                String id = "c" + (i / settings.tenants());
                List<TranscriptEntry> messages = new ArrayList<>();
                for (int seq = 1; seq <= settings.messages(); seq++) {
                    boolean customer = Corpus.customer(seq);
                    messages.add(
                            new TranscriptEntry(
                                    tenant(t),
                                    id,
                                    seq,
                                    "m" + seq,
                                    customer ? Sender.CUSTOMER : Sender.AGENT,
                                    Channel.CHAT,
                                    T0.plusSeconds(i),
                                    corpus.text(customer)));
                }
                for (TranscriptEntry m : messages) {
                    byte[] value = MAPPER.writeValueAsBytes(m);
                    String key =
                            TranscriptEntry.slotKey(m.key(), TranscriptEntry.slot(m.seq(), 20));
                    ProducerRecord<byte[], byte[]> record =
                            new ProducerRecord<>(
                                    PREFIX + Topics.TRANSCRIPT,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    value);
                    record.headers()
                            .add("seq", Long.toString(m.seq()).getBytes(StandardCharsets.US_ASCII));
                    producer.send(record);
                    bytes += value.length;
                }
                AggregatedIntelligence a =
                        aggregate(
                                tenant(t),
                                id,
                                settings.messages(),
                                messages.get(0).message(),
                                T0.plusSeconds(i),
                                random);
                bytes += send(producer, a);
            }
            producer.flush();
        }
        return bytes;
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs, int batchBytes) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(props);
    }

    private static long send(KafkaProducer<byte[], byte[]> producer, AggregatedIntelligence a)
            throws IOException {
        byte[] value = MAPPER.writeValueAsBytes(a);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(
                        PREFIX + Topics.AI_AGGREGATED,
                        a.key().getBytes(StandardCharsets.UTF_8),
                        value);
        record.headers()
                .add(
                        AggregatedIntelligence.HEADER_VERSION,
                        Long.toString(a.version()).getBytes(StandardCharsets.US_ASCII));
        producer.send(record);
        return value.length;
    }

    /** An aggregate like the local agents write, from the conversation's first message. */
    private static AggregatedIntelligence aggregate(
            String tenant,
            String id,
            long messages,
            String opening,
            Instant at,
            SplittableRandom random) {
        Intent intent = Intent.values()[random.nextInt(Intent.values().length)];
        SentimentLabel label =
                SentimentLabel.values()[random.nextInt(SentimentLabel.values().length)];
        Urgency urgency = Urgency.values()[random.nextInt(Urgency.values().length)];
        boolean escalate = random.nextInt(10) == 0;
        double score = random.nextDouble() * 2 - 1;
        List<SentimentPoint> trend = new ArrayList<>();
        for (long seq = Math.max(1, messages - 20); seq <= messages; seq += 2) {
            trend.add(new SentimentPoint(seq, score));
        }
        Map<String, AgentStatus> agents = new HashMap<>();
        for (String agent : List.of("sentiment", "pii", "insights", "summary", "reply")) {
            agents.put(agent, new AgentStatus(messages, "local", 1, 1, null));
        }
        return new AggregatedIntelligence(
                tenant,
                id,
                AggregatedIntelligence.versionOf(messages),
                messages,
                new SentimentResult(label, score, 0.8, Emotion.NEUTRAL, "bench"),
                null,
                new InsightsResult(
                        intent,
                        urgency,
                        List.of("Follow up with the customer"),
                        escalate,
                        escalate ? "The customer asks for a manager" : null,
                        List.of(intent.wireName())),
                new SummaryResult(
                        "The customer writes: " + opening,
                        List.of(opening.length() > 60 ? opening.substring(0, 60) : opening),
                        ResolutionStatus.OPEN),
                new ReplyResult("Thank you for reaching out, we are looking into it."),
                agents,
                at,
                trend);
    }

    // --- open-loop requests ----------------------------------------------------------------------

    /** One request: its path, its tenant, and what kind of request it is (for the breakdown). */
    private record Request(String path, int tenant, String kind) {}

    private Request insights(int i, SplittableRandom random) {
        int n = random.nextInt(settings.conversations());
        int t = n % settings.tenants();
        return new Request(
                "/v1/conversations/c" + (n / settings.tenants()) + "/insights", t, "insights");
    }

    private Request listPage(int i, SplittableRandom random) {
        int t = random.nextInt(settings.tenants());
        return switch (i % 4) {
            case 0 -> new Request("/v1/conversations?limit=20", t, "first page");
            case 1 -> new Request("/v1/conversations?limit=20&offset=20", t, "second page");
            case 2 ->
                    new Request(
                            "/v1/conversations?limit=20&sentiment=negative&urgency="
                                    + Urgency.values()[random.nextInt(4)].wireName(),
                            t,
                            "sentiment and urgency");
            default ->
                    new Request(
                            "/v1/conversations?limit=50&escalation=true&intent="
                                    + Intent.values()[random.nextInt(Intent.values().length)]
                                            .wireName(),
                            t,
                            "escalation and intent, 50");
        };
    }

    private Request search(int i, SplittableRandom random) {
        int t = random.nextInt(settings.tenants());
        String q = SEARCHES[i % SEARCHES.length];
        String filter = i % 3 == 0 ? "&sentiment=negative" : "";
        return new Request(
                "/v1/conversations?limit=20&q="
                        + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8)
                        + filter,
                t,
                q + (filter.isEmpty() ? "" : " +negative"));
    }

    private interface RequestSource {
        Request next(int i, SplittableRandom random);
    }

    /**
     * {@code rate} requests a second for the configured seconds after a warm-up of a quarter as
     * long; latency from when each was due.
     */
    private ObjectNode openLoop(Processes.Child api, String name, int rate, RequestSource source)
            throws Exception {
        run(rate, Math.max(3, settings.seconds() / 4), source); // warm-up, not counted
        long cpuBefore = api.cpuMillis();
        Result result = run(rate, settings.seconds(), source);
        long cpu = api.cpuMillis() - cpuBefore;
        ObjectNode node = MAPPER.createObjectNode();
        node.put("rate", rate);
        node.put("requests", result.sent);
        node.put("errors", result.errors);
        node.put("p50_ms", ms(result.micros, 50));
        node.put("p99_ms", ms(result.micros, 99));
        node.put("max_ms", ms(result.micros, 100));
        node.put("samples", result.micros.getTotalCount());
        node.put("api_cpu_ms_per_request", round((double) cpu / result.sent, 3));
        if (result.byKind.size() > 1) {
            ObjectNode kinds = node.putObject("p99_ms_by_kind");
            result.byKind.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> kinds.put(e.getKey(), ms(e.getValue(), 99)));
        }
        node.putPOJO("slowest_seconds", result.slowestSeconds());
        System.out.printf(
                "api-scale %s: %d req/s, p50 %.2f ms, p99 %.2f ms over %d, %d errors%n",
                name,
                rate,
                ms(result.micros, 50),
                ms(result.micros, 99),
                result.sent,
                result.errors);
        return node;
    }

    /**
     * One run's latencies; per second of the run (by due time), how many took over {@link
     * #SLOW_MICROS} and the slowest, to tell a stall from a queue spread over the run.
     */
    private record Result(
            long sent,
            long errors,
            Histogram micros,
            Map<String, ConcurrentHistogram> byKind,
            AtomicLongArray slowBySecond,
            AtomicLongArray maxBySecond) {

        /** The five seconds with the most slow requests: second, slow count, slowest ms. */
        List<String> slowestSeconds() {
            List<Integer> seconds = new ArrayList<>();
            for (int s = 0; s < slowBySecond.length(); s++) {
                if (slowBySecond.get(s) > 0) {
                    seconds.add(s);
                }
            }
            seconds.sort(Comparator.comparingLong(s -> -slowBySecond.get(s)));
            return seconds.stream()
                    .limit(5)
                    .map(
                            s ->
                                    String.format(
                                            "+%ds: %d over %d ms, max %.1f ms",
                                            s,
                                            slowBySecond.get(s),
                                            SLOW_MICROS / 1000,
                                            maxBySecond.get(s) / 1e3))
                    .toList();
        }
    }

    private static final long SLOW_MICROS = 10_000;

    private Result run(int rate, int seconds, RequestSource source) throws Exception {
        int connections = Math.max(4, Math.min(32, rate / 100));
        long total = (long) rate * seconds;
        ConcurrentHistogram micros = new ConcurrentHistogram(MAX_MICROS, 3);
        Map<String, ConcurrentHistogram> byKind = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        AtomicLongArray slowBySecond = new AtomicLongArray(seconds + 1);
        AtomicLongArray maxBySecond = new AtomicLongArray(seconds + 1);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            RawHttp connection = new RawHttp("127.0.0.1", port);
            workers.add(
                    Thread.ofPlatform()
                            .daemon()
                            .start(
                                    () -> {
                                        while (true) {
                                            Object[] due;
                                            try {
                                                due = queue.take();
                                            } catch (InterruptedException e) {
                                                return;
                                            }
                                            if (due.length == 0) {
                                                connection.close();
                                                return;
                                            }
                                            Request r = (Request) due[0];
                                            int status =
                                                    connection.get(
                                                            r.path(), authorization(r.tenant()));
                                            long latency =
                                                    Math.min(
                                                            MAX_MICROS,
                                                            (System.nanoTime() - (long) due[1])
                                                                    / 1000);
                                            micros.recordValue(latency);
                                            int second =
                                                    (int)
                                                            Math.min(
                                                                    seconds,
                                                                    Math.max(
                                                                            0,
                                                                            ((long) due[1] - t0)
                                                                                    / 1_000_000_000L));
                                            maxBySecond.accumulateAndGet(
                                                    second, latency, Math::max);
                                            if (latency > SLOW_MICROS) {
                                                slowBySecond.incrementAndGet(second);
                                            }
                                            byKind.computeIfAbsent(
                                                            r.kind(),
                                                            k ->
                                                                    new ConcurrentHistogram(
                                                                            MAX_MICROS, 3))
                                                    .recordValue(latency);
                                            if (status != 200) {
                                                errors.incrementAndGet();
                                            }
                                        }
                                    }));
        }
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < total; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            Request r = source.next(i, random);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            queue.add(new Object[] {r, due});
        }
        for (int c = 0; c < connections; c++) {
            queue.add(new Object[0]);
        }
        for (Thread w : workers) {
            w.join();
        }
        return new Result(total, errors.get(), micros, byKind, slowBySecond, maxBySecond);
    }

    // --- WebSocket fan-out -----------------------------------------------------------------------

    private static final byte[] CONVERSATION_ID =
            "\"conversation_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "\"version\":".getBytes(StandardCharsets.US_ASCII);

    /** {@code id@version} of an update frame, read from its bytes, or null for another frame. */
    static String updateOf(byte[] frame, int length) {
        int id = indexOf(frame, length, CONVERSATION_ID, 0);
        if (id < 0) {
            return null;
        }
        int from = id + CONVERSATION_ID.length;
        int end = from;
        while (end < length && frame[end] != '"') {
            end++;
        }
        int v = indexOf(frame, length, VERSION, end);
        if (v < 0) {
            return null;
        }
        long version = 0;
        for (int i = v + VERSION.length; i < length && frame[i] >= '0' && frame[i] <= '9'; i++) {
            version = version * 10 + (frame[i] - '0');
        }
        return new String(frame, from, end - from, StandardCharsets.US_ASCII) + "@" + version;
    }

    private static int indexOf(byte[] data, int length, byte[] needle, int from) {
        outer:
        for (int i = from; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Opens the sessions (spread evenly over the tenants), changes aggregates at the configured
     * rate for the configured seconds, and times each delivery from the update's intended write.
     */
    private ObjectNode webSockets(Processes.Child api) throws Exception {
        int sessions = settings.wsSessions();
        int tenants = Math.min(settings.tenants(), sessions);
        ConcurrentHistogram micros = new ConcurrentHistogram(MAX_MICROS, 3);
        AtomicLong seen = new AtomicLong();
        Map<String, Long> due = new ConcurrentHashMap<>();
        List<RawWebSocket> sockets = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            int t = s % tenants;
            sockets.add(
                    RawWebSocket.open(
                            "127.0.0.1",
                            port,
                            "/ws/conversations",
                            apiKey(t),
                            (payload, length, now) -> {
                                String update = updateOf(payload, length);
                                Long at = update == null ? null : due.get(t + "/" + update);
                                if (at != null) {
                                    micros.recordValue(Math.min(MAX_MICROS, (now - at) / 1000));
                                    seen.incrementAndGet();
                                }
                            }));
        }
        long open = awaitSessions(sessions);
        long heapBefore = (long) heapAfterGc(api);

        int rate = settings.wsRate();
        long total = (long) rate * settings.wsSeconds();
        SplittableRandom random = new SplittableRandom(19);
        Map<String, Long> messagesOf = new HashMap<>();
        // Above every count written before, also by an earlier run on a kept work directory.
        long firstCount = settings.messages() + System.currentTimeMillis() / 1000;
        long cpuBefore = api.cpuMillis();
        try (KafkaProducer<byte[], byte[]> producer = producer(0, 64 * 1024)) {
            long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            for (long i = 0; i < total; i++) {
                int t = random.nextInt(tenants);
                String id = "c" + random.nextInt(settings.conversations() / settings.tenants());
                String key = tenant(t) + "/" + id;
                long messages = messagesOf.merge(key, firstCount, (a, b) -> a + 1);
                long at = t0 + (long) (i * 1e9 / rate);
                AggregatedIntelligence a =
                        aggregate(
                                tenant(t),
                                id,
                                messages,
                                "An update of the bench",
                                T0.plusSeconds(settings.conversations() + i),
                                random);
                due.put(t + "/" + id + "@" + a.version(), at);
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                send(producer, a);
            }
            producer.flush();
        }
        long perUpdate = sessions / tenants;
        long expected = total * perUpdate;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && seen.get() < expected) {
            Thread.sleep(20);
        }
        long cpu = api.cpuMillis() - cpuBefore;
        long missing = expected - seen.get();
        for (long m = 0; m < missing; m++) {
            micros.recordValue(TimeUnit.SECONDS.toMicros(10));
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("sessions", open);
        node.put("tenants", tenants);
        node.put("updates", total);
        node.put("updates_per_s", rate);
        node.put("deliveries_expected", expected);
        node.put("deliveries_seen", seen.get());
        node.put("p50_ms", ms(micros, 50));
        node.put("p99_ms", ms(micros, 99));
        node.put("max_ms", ms(micros, 100));
        node.put("samples", micros.getTotalCount());
        node.put("heap_used_with_sessions_mb", round(heapBefore / 1e6, 0));
        node.put("api_cpu_ms_per_delivery", round((double) cpu / Math.max(1, seen.get()), 4));
        System.out.printf(
                "api-scale ws: %d sessions, %d updates/s, p50 %.1f ms, p99 %.1f ms, %d of %d seen%n",
                open, rate, ms(micros, 50), ms(micros, 99), seen.get(), expected);
        for (RawWebSocket ws : sockets) {
            ws.close();
        }
        return node;
    }

    private long awaitSessions(int sessions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long open = 0;
        while (System.nanoTime() < deadline) {
            open = (long) metric("signalstream_websocket_sessions", Map.of());
            if (open >= sessions) {
                break;
            }
            Thread.sleep(100);
        }
        return open;
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static double ms(Histogram h, double percentile) {
        return StackBench.ms(h, percentile);
    }

    private static double round(double v, int digits) {
        return StackBench.round(v, digits);
    }

    /**
     * Bytes under {@code dir}, of a store in use: a file the index merges away while it is read (a
     * Lucene segment) is skipped, not an error.
     */
    private static long size(Path dir) throws IOException {
        long[] bytes = {0};
        Files.walkFileTree(
                dir,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        bytes[0] += attributes.isRegularFile() ? attributes.size() : 0;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        return bytes[0];
    }
}
