package io.signalstream.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.kafka.FreePorts;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code make bench-stack}: the product on this machine against a floor, in one run. Kafka, the job
 * and the API each run in their own JVM; this JVM is the load generator. Each figure is measured
 * alternately for the floor job and the product, each in a job JVM of its own (fresh each round),
 * after a warm-up, and reported as a median with its range, beside each process's CPU time per
 * message (from {@code /proc}).
 *
 * <ul>
 *   <li><b>Capacity.</b> Conversations are pre-loaded to a full window, then a burst follows on the
 *       raw topic; each job reads the same records from the same offsets, and its rate is taken
 *       from its output topic's offsets between 10 % and 90 % of the burst (completion is decided
 *       by offsets, never by parsing aggregates). The API is not running.
 *   <li><b>End to end.</b> The API and the product run; messages are posted open loop at a share of
 *       the measured capacity, and each is timed from its intended send until the tenant's
 *       WebSocket shows every agent reflecting it; messages never shown count at the deadline.
 *   <li><b>Ingest.</b> {@code POST /v1/messages} at fixed rates while the job processes them.
 * </ul>
 *
 * Arguments: the JSON file to write. Sizes by system properties {@code bench.*} (see {@link
 * Settings}).
 */
public final class StackBench {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String CAP = "cap.";
    private static final String E2E = "e2e.";
    private static final String TENANT = "bench";

    /** The sizes of a run; {@code -Dbench.burst=...} and so on for a quick one. */
    record Settings(
            int conversations,
            int preload,
            int burst,
            int warmupSeconds,
            int rounds,
            int e2eSeconds,
            int e2eWarmupRate,
            int e2eWarmupRuns,
            int ingestSeconds,
            int ingestRounds,
            int parallelism,
            int partitions,
            String profile,
            String profileApi) {
        static Settings fromProperties() {
            return new Settings(
                    Integer.getInteger("bench.conversations", 2_000),
                    Integer.getInteger("bench.preload", 20),
                    Integer.getInteger("bench.burst", 400_000),
                    Integer.getInteger("bench.warmupSeconds", 60),
                    Integer.getInteger("bench.rounds", 4),
                    Integer.getInteger("bench.e2eSeconds", 20),
                    Integer.getInteger("bench.e2eWarmupRate", 1_000),
                    Integer.getInteger("bench.e2eWarmupRuns", 3),
                    Integer.getInteger("bench.ingestSeconds", 15),
                    Integer.getInteger("bench.ingestRounds", 3),
                    Integer.getInteger("bench.parallelism", 2),
                    Integer.getInteger("bench.partitions", 4),
                    System.getProperty("bench.profile", ""),
                    System.getProperty("bench.profileApi", ""));
        }
    }

    private final Settings settings;
    private final Path work;
    private final ObjectNode results = MAPPER.createObjectNode();
    private Processes.Child kafka;

    /** The broker's request meters; null until it runs. */
    private BrokerRequests brokerRequests;

    /**
     * One job JVM per configuration measured ("floor", "product", "product --analytics false"...),
     * each warmed up on its own, as a deployment runs one job per TaskManager: no job runs on
     * shared code (source, network, state, sink) compiled for another's profile. The capacity
     * rounds start them afresh; the product's runner also runs the end-to-end jobs.
     */
    private final Map<String, Processes.Child> runners = new LinkedHashMap<>();

    private Processes.Child runner;
    private String bootstrap;

    private StackBench(Settings settings, Path work) {
        this.settings = settings;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/stack.json");
        Path work = Files.createTempDirectory("signalstream-bench");
        StackBench bench = new StackBench(Settings.fromProperties(), work);
        try {
            bench.run();
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, bench.results.toPrettyString());
            System.out.println(bench.results.toPrettyString());
        } finally {
            bench.stop();
            delete(work);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        results.putPOJO("settings", settings);
        startKafka();
        runner = runner("product", List.of());
        if (Boolean.getBoolean("bench.skipCapacity")) {
            // the webhook, fixed-rate and ingest runs alone, on a fresh stack (trying a change)
            endToEndAndIngest(0);
            return;
        }
        if (!settings.profile().isEmpty()) {
            profile();
            return;
        }
        String variants = System.getProperty("bench.variants", "");
        if (!variants.isEmpty()) {
            compare(variants);
            return;
        }
        Capacity capacity = capacity();
        stopOtherRunners();
        dropCapacityTopics();
        if (settings.e2eSeconds() > 0) {
            endToEndAndIngest(capacity.productMedian);
        }
    }

    // --- processes -------------------------------------------------------------------------------

    private void startKafka() throws Exception {
        // the broker's two listeners' ports and its JMX port picked together: picked apart, they
        // may repeat
        int[] ports = FreePorts.pick(3, "127.0.0.1");
        bootstrap = "127.0.0.1:" + ports[0];
        kafka = kafka(work, ports, settings.partitions());
        brokerRequests = BrokerRequests.connect(ports[2]);
        for (String prefix : List.of(CAP, E2E)) {
            KafkaTopics.ensureAll(bootstrap, prefix, settings.partitions());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(
                                            CAP + FloorJob.OUTPUT_TOPIC,
                                            settings.partitions(),
                                            (short) 1)))
                    .all()
                    .get();
        }
    }

    /**
     * A broker in its own JVM on {@code ports[0]} (its controller on {@code ports[1]}, its JMX on
     * {@code ports[2]} when given), data under {@code work}; returns once it is up.
     */
    static Processes.Child kafka(Path work, int[] ports, int partitions) throws Exception {
        List<String> options =
                new ArrayList<>(
                        // the pause goal Kafka's own start scripts give G1
                        List.of(
                                "-XX:MaxGCPauseMillis=20",
                                "-XX:InitiatingHeapOccupancyPercent=35"));
        if (ports.length > 2) {
            options.addAll(BrokerRequests.jvmOptions(ports[2]));
        }
        Processes.Child kafka =
                Processes.java(
                        "kafka",
                        "io.signalstream.kafka.KafkaServerMain",
                        List.of(
                                work.resolve("kafka").toString(),
                                Integer.toString(ports[0]),
                                Integer.toString(ports[1]),
                                Integer.toString(partitions)),
                        Map.of(),
                        "1g",
                        Path.of("target/bench/logs"),
                        options.toArray(String[]::new));
        kafka.await("Kafka ready", Duration.ofMinutes(2));
        return kafka;
    }

    /** The job JVM for {@code job} with {@code args}, started on first use. */
    private Processes.Child runner(String job, List<String> args) throws Exception {
        String key = String.join(" ", Stream.concat(Stream.of(job), args.stream()).toList());
        Processes.Child existing = runners.get(key);
        if (existing != null) {
            return existing;
        }
        // the product's log keeps its name (job.log); the others are named after their key
        String name = key.equals("product") ? "job" : "job-" + key.replaceAll("[^A-Za-z0-9]+", "-");
        Processes.Child started =
                Processes.java(
                        name,
                        JobRunner.class.getName(),
                        List.of(
                                bootstrap,
                                "flink-conf",
                                Integer.toString(settings.parallelism()),
                                work.resolve("checkpoints").toString()),
                        Map.of(),
                        "3g",
                        logs(),
                        settings.profile().isEmpty()
                                ? new String[0]
                                : new String[] {
                                    "-XX:StartFlightRecording=filename="
                                            + Path.of(settings.profile()).toAbsolutePath()
                                            + ",settings=profile,dumponexit=true",
                                    "-XX:FlightRecorderOptions=stackdepth=512"
                                });
        started.await("ready", Duration.ofMinutes(1));
        runners.put(key, started);
        return started;
    }

    /** Stops every job JVM and starts the product's afresh. */
    private void restartRunners() throws Exception {
        runners.values().forEach(Processes.Child::close);
        runners.clear();
        runner = runner("product", List.of());
    }

    /** Stops every job JVM but the product's (before the end-to-end runs). */
    private void stopOtherRunners() {
        runners.values()
                .removeIf(
                        c -> {
                            if (c == runner) {
                                return false;
                            }
                            c.close();
                            return true;
                        });
    }

    private void stop() {
        runners.values().forEach(Processes.Child::close);
        if (brokerRequests != null) {
            try {
                brokerRequests.close();
            } catch (IOException e) {
                // the broker stops next: nothing to keep
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private Path logs() {
        return Path.of("target/bench/logs");
    }

    // --- capacity
    // ----------------------------------------------------------------------------------

    private record Run(String job, double rate, double jobCpuMsPerMsg, double kafkaCpuMsPerMsg) {
        double cpuMsPerMsg() {
            return jobCpuMsPerMsg + kafkaCpuMsPerMsg;
        }
    }

    private record Capacity(double productMedian) {}

    /** A job and its arguments: what one job JVM runs. */
    private record Configuration(String job, List<String> args) {}

    /** Warm-up runs each job JVM gets before it is measured. */
    private static final int WARMUP_RUNS = 3;

    /** The broker's log cleaner threads, by {@link Processes#threadCpuMillis}' name. */
    private static final String CLEANER_THREADS = "kafka-log-clean";

    /** Messages the product's capacity runs processed (each wrote an aggregate and more). */
    private long productMessages;

    private Capacity capacity() throws Exception {
        String offsets = produceCapacityInput();
        long cleanerAtStart = cleanerCpuMillis();
        productMessages = 0;
        long total = (long) settings.conversations() * settings.preload() + settings.burst();
        System.out.printf(
                "capacity: %d messages per run (%d conversations pre-loaded to %d, burst %d)%n",
                total, settings.conversations(), settings.preload(), settings.burst());

        List<String> withoutArgs = List.of("--analytics", "false");
        List<Configuration> measured =
                List.of(
                        new Configuration("product", List.of()),
                        new Configuration("floor", List.of()),
                        new Configuration("product", withoutArgs));
        List<Run> floor = new ArrayList<>();
        List<Run> product = new ArrayList<>();
        List<Run> withoutAnalytics = new ArrayList<>();
        int warmups = 0;
        for (int round = 0; round < settings.rounds(); round++) {
            // Fresh job JVMs each round, as JMH forks: a JVM's code stays largely as it first
            // compiled it, so with one JVM per configuration a whole bench hung on how each did
            // (the analytics overhead came out -0.03, 0.07 and 0.31 in three such runs).
            if (round > 0) {
                restartRunners();
            }
            warmups += warmUp(measured, offsets, Duration.ofSeconds(settings.warmupSeconds()));
            floor.add(measure("floor", offsets, List.of()));
            // with and without analytics in turns (ABBA): a drift over the runs (the machine's
            // load, the broker's page cache) falls on both alike, not on the one measured first
            if (round % 2 == 0) {
                product.add(measure("product", offsets, List.of()));
                withoutAnalytics.add(measure("product", offsets, withoutArgs));
            } else {
                withoutAnalytics.add(measure("product", offsets, withoutArgs));
                product.add(measure("product", offsets, List.of()));
            }
        }
        // one run, not compared in turns: in the product's warm JVM
        Run agentTopics = measure(runner, "product", offsets, List.of("--agent-topics", "true"));

        double cleaner = cleanerMsPerProductMessage(cleanerAtStart);
        System.out.printf("  broker's log cleaner: %.4f ms per product message%n", cleaner);
        product = charged(product, cleaner);
        withoutAnalytics = charged(withoutAnalytics, cleaner);
        agentTopics = charged(List.of(agentTopics), cleaner).get(0);
        ObjectNode f = results.putObject("floor");
        report(f, floor);
        ObjectNode p = results.putObject("pipeline");
        report(p, product);
        p.put("kafka_cleaner_cpu_ms_per_msg", round(cleaner, 4));
        double ratio =
                median(product.stream().map(Run::rate).toList())
                        / median(floor.stream().map(Run::rate).toList());
        p.put("floor_ratio", round(ratio, 3));
        ArrayNode ratios = p.putArray("floor_ratio_per_round");
        roundRatios(
                        product.stream().map(Run::rate).toList(),
                        floor.stream().map(Run::rate).toList())
                .forEach(r -> ratios.add(round(r, 3)));
        p.put("warmup_runs", warmups);
        p.put("messages_per_run", total);
        p.put("with_agent_topics_capacity_msgs_per_s", Math.round(agentTopics.rate()));
        p.put("with_agent_topics_cpu_ms_per_msg", round(agentTopics.cpuMsPerMsg(), 4));
        // the bytes behind the broker's share: what one message puts on each topic
        ObjectNode bytes = p.putObject("record_bytes");
        bytes.put("input", recordBytes(CAP + Topics.MESSAGES_RAW));
        bytes.put("aggregate", recordBytes(CAP + Topics.AI_AGGREGATED));
        bytes.put("transcript", recordBytes(CAP + Topics.TRANSCRIPT));
        f.put("output_record_bytes", recordBytes(CAP + FloorJob.OUTPUT_TOPIC));
        System.out.printf(
                "  record bytes (key, value and headers): %s; floor's output %s%n",
                bytes, f.get("output_record_bytes"));

        // What the analytics cost: the job's CPU per message with them against without. The two
        // run in turns within each round, so a round's ratio is free of what moves between rounds
        // (the machine's load, fresh JVMs' compilation); the figure is the median of the rounds'
        // ratios. The ratio of the two medians is kept beside it: it mixes rounds, and one round
        // whose runs were both slow moves it (0.152 against paired rounds of 0.017-0.042 once).
        ObjectNode a = results.putObject("analytics");
        List<Double> withCpu = product.stream().map(Run::jobCpuMsPerMsg).toList();
        List<Double> withoutCpu = withoutAnalytics.stream().map(Run::jobCpuMsPerMsg).toList();
        double with = median(withCpu);
        double without = median(withoutCpu);
        List<Double> overheads = pairedOverheads(withCpu, withoutCpu);
        a.put("cpu_overhead", round(median(overheads), 3));
        a.put("cpu_overhead_ratio_of_medians", round(with / without - 1, 3));
        ArrayNode perRound = a.putArray("cpu_overhead_per_round");
        overheads.forEach(o -> perRound.add(round(o, 3)));
        a.put("job_cpu_ms_per_msg_with", round(with, 4));
        a.put("job_cpu_ms_per_msg_without", round(without, 4));
        a.put(
                "capacity_ratio_with_to_without",
                round(
                        median(product.stream().map(Run::rate).toList())
                                / median(withoutAnalytics.stream().map(Run::rate).toList()),
                        3));
        a.put("rounds", withoutAnalytics.size());
        System.out.printf(
                "  analytics: job CPU %.4f ms/msg with, %.4f without: overhead %+.1f %% (median"
                        + " of the rounds' ratios; ratio of the medians %+.1f %%)%n",
                with, without, 100 * median(overheads), 100 * (with / without - 1));
        return new Capacity(median(product.stream().map(Run::rate).toList()));
    }

    /**
     * {@code make bench-profile}: the product's capacity runs only, with the job's JVM recording a
     * JFR profile; a run apart from the measured one, so the recording never skews a figure.
     */
    private void profile() throws Exception {
        String offsets = produceCapacityInput();
        // -Dbench.profileArgs=--analytics,false profiles a variant of the product's arguments
        List<String> args =
                Stream.of(System.getProperty("bench.profileArgs", "").split(","))
                        .filter(a -> !a.isBlank())
                        .toList();
        for (int i = 0; i < 3; i++) {
            measure("product", offsets, args);
        }
    }

    /**
     * {@code -Dbench.variants=--kafka-compression,none|--kafka-compression,zstd}: the product's
     * capacity as shipped against each variant of its arguments, in turns; for trying a setting
     * before changing a default (not part of {@code make bench}).
     */
    private void compare(String variants) throws Exception {
        String offsets = produceCapacityInput();
        long cleanerAtStart = cleanerCpuMillis();
        productMessages = 0;
        List<List<String>> args = new ArrayList<>();
        args.add(List.of());
        for (String v : variants.split("\\|")) {
            args.add(List.of(v.trim().split("[\\s,]+")));
        }
        warmUp(
                args.stream().map(a -> new Configuration("product", a)).toList(),
                offsets,
                Duration.ZERO);
        ObjectNode variantsNode = results.putObject("variants");
        for (int round = 0; round < settings.rounds(); round++) {
            // each round starts one further along (with two: ABBA), so a drift over the runs
            // falls on every variant alike
            for (int i = 0; i < args.size(); i++) {
                List<String> a = args.get((i + round) % args.size());
                Run r = measure("product", offsets, a);
                ArrayNode node = (ArrayNode) variantsNode.get(String.join(" ", a));
                if (node == null) {
                    node = variantsNode.putArray(String.join(" ", a));
                }
                node.addObject()
                        .put("capacity_msgs_per_s", Math.round(r.rate()))
                        .put("job_cpu_ms_per_msg", round(r.jobCpuMsPerMsg(), 4))
                        .put("kafka_cpu_ms_per_msg", round(r.kafkaCpuMsPerMsg(), 4));
            }
        }
        // one figure for all variants: the cleaner compacts what they all wrote
        double cleaner = cleanerMsPerProductMessage(cleanerAtStart);
        results.put("kafka_cleaner_cpu_ms_per_msg_all_variants", round(cleaner, 4));
        System.out.printf(
                "  broker's log cleaner: %.4f ms per product message, all variants together"
                        + " (not in the figures above)%n",
                cleaner);
    }

    /**
     * Warms up each configuration's job JVM in turns, at least {@link #WARMUP_RUNS} times each (a
     * JVM's second run over the input was still 20-40 % slower than its later ones) and for at
     * least {@code atLeast} in all; returns the runs it took.
     */
    private int warmUp(List<Configuration> configurations, String offsets, Duration atLeast)
            throws Exception {
        long end = System.nanoTime() + atLeast.toNanos();
        int runs = 0;
        while (System.nanoTime() < end || runs < WARMUP_RUNS * configurations.size()) {
            Configuration c = configurations.get(runs % configurations.size());
            measure(c.job(), offsets, c.args());
            runs++;
        }
        return runs;
    }

    /** {@code runs} with the broker's log cleaner's share per message added to the broker's. */
    private static List<Run> charged(List<Run> runs, double cleanerMsPerMsg) {
        return runs.stream()
                .map(
                        r ->
                                new Run(
                                        r.job(),
                                        r.rate(),
                                        r.jobCpuMsPerMsg(),
                                        r.kafkaCpuMsPerMsg() + cleanerMsPerMsg))
                .toList();
    }

    private void report(ObjectNode node, List<Run> runs) {
        List<Double> rates = runs.stream().map(Run::rate).toList();
        node.put("capacity_msgs_per_s", Math.round(median(rates)));
        node.putArray("capacity_range")
                .add(Math.round(rates.stream().min(Double::compare).orElseThrow()))
                .add(Math.round(rates.stream().max(Double::compare).orElseThrow()));
        node.put("cpu_ms_per_msg", round(median(runs.stream().map(Run::cpuMsPerMsg).toList()), 4));
        ObjectNode byProcess = node.putObject("cpu_ms_per_msg_by_process");
        byProcess.put("job", round(median(runs.stream().map(Run::jobCpuMsPerMsg).toList()), 4));
        byProcess.put("kafka", round(median(runs.stream().map(Run::kafkaCpuMsPerMsg).toList()), 4));
        ArrayNode all = node.putArray("runs");
        for (Run r : runs) {
            all.addObject()
                    .put("capacity_msgs_per_s", Math.round(r.rate()))
                    .put("cpu_ms_per_msg", round(r.cpuMsPerMsg(), 4));
        }
    }

    /**
     * The raw topic's input for capacity runs: every conversation pre-loaded to a full window, then
     * the burst. Returns the offsets where it starts, as the runner reads them.
     */
    private String produceCapacityInput() throws Exception {
        String topic = CAP + Topics.MESSAGES_RAW;
        Map<TopicPartition, Long> start = endOffsets(topic);
        Corpus corpus = new Corpus(42);
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            int c = settings.conversations();
            long total = (long) c * settings.preload() + settings.burst();
            for (long i = 0; i < total; i++) {
                String conversation = "conv-" + (i % c);
                long seq = i / c + 1;
                boolean customer = Corpus.customer(seq);
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                ConversationKey.of(TENANT, conversation)
                                        .getBytes(StandardCharsets.UTF_8),
                                Corpus.json(
                                        TENANT,
                                        conversation,
                                        "m-" + i,
                                        customer,
                                        corpus.text(customer),
                                        now)));
            }
            producer.flush();
        }
        return start.entrySet().stream()
                .map(e -> e.getKey().partition() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** One run of {@code job} over the capacity input; the rate between 10 % and 90 % of it. */
    private Run measure(String job, String offsets, List<String> args) throws Exception {
        return measure(runner(job, args), job, offsets, args);
    }

    private Run measure(Processes.Child jvm, String job, String offsets, List<String> args)
            throws Exception {
        String output = CAP + (job.equals("floor") ? FloorJob.OUTPUT_TOPIC : Topics.AI_AGGREGATED);
        long preload = (long) settings.conversations() * settings.preload();
        long burst = settings.burst();
        long from = preload + burst / 10;
        long to = preload + burst * 9 / 10;
        long base = sum(endOffsets(output));
        jvm.command(job + " " + CAP + " " + offsets + " " + String.join(" ", args));
        jvm.await("started", Duration.ofMinutes(1));
        long t1 = 0;
        long t2 = 0;
        long[] cpu1 = null;
        long[] cpu2 = null;
        // -Dbench.threads=true: the job's and the broker's CPU per message by thread, to find
        // costs off the profile (the broker's log cleaner, its request handlers…)
        boolean threads = Boolean.getBoolean("bench.threads");
        Map<String, Long> threads1 = null;
        Map<String, Long> threads2 = null;
        Map<String, Long> brokerThreads1 = null;
        Map<String, Long> brokerThreads2 = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> parts = partitions(consumer, output);
            while (System.nanoTime() < deadline) {
                long done = sum(consumer.endOffsets(parts)) - base;
                long now = System.nanoTime();
                if (t1 == 0 && done >= from) {
                    t1 = now;
                    cpu1 = capacityCpu(jvm);
                    threads1 = threads ? Processes.threadCpuMillis(jvm.pid()) : null;
                    brokerThreads1 = threads ? Processes.threadCpuMillis(kafka.pid()) : null;
                }
                if (t2 == 0 && done >= to) {
                    t2 = now;
                    cpu2 = capacityCpu(jvm);
                    threads2 = threads ? Processes.threadCpuMillis(jvm.pid()) : null;
                    brokerThreads2 = threads ? Processes.threadCpuMillis(kafka.pid()) : null;
                    break;
                }
                Thread.sleep(20);
            }
        }
        jvm.command("cancel");
        jvm.await("cancelled", Duration.ofMinutes(2));
        if (t2 == 0) {
            throw new IllegalStateException(job + " did not finish its input in 10 minutes");
        }
        if (job.equals("product")) {
            productMessages += preload + burst;
        }
        double messages = to - from;
        Run run =
                new Run(
                        job,
                        messages / ((t2 - t1) / 1e9),
                        (cpu2[0] - cpu1[0]) / messages,
                        (cpu2[1] - cpu1[1]) / messages);
        System.out.printf(
                "  %-8s %s %8.0f msg/s, CPU %.4f ms/msg (job %.4f, kafka %.4f without its log cleaner)%n",
                job,
                args.isEmpty() ? "" : args,
                run.rate(),
                run.cpuMsPerMsg(),
                run.jobCpuMsPerMsg(),
                run.kafkaCpuMsPerMsg());
        if (threads2 != null) {
            System.out.println("    job threads:");
            printThreads(threads1, threads2, messages);
            System.out.println("    broker threads:");
            printThreads(brokerThreads1, brokerThreads2, messages);
        }
        return run;
    }

    /** Each thread's CPU between two readings, per message, the busiest first. */
    private static void printThreads(
            Map<String, Long> before, Map<String, Long> after, double messages) {
        busiestFirst(before, after)
                .forEach(
                        e ->
                                System.out.printf(
                                        "      %-18s %.4f ms/msg%n",
                                        e.getKey(), e.getValue() / messages));
    }

    /**
     * The CPU ms each thread (by {@link Processes#threadCpuMillis}' name) used between two
     * readings, the threads that used any, the busiest first.
     */
    private static Stream<Map.Entry<String, Long>> busiestFirst(
            Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed());
    }

    /**
     * The job's CPU and the broker's, the broker's without its log cleaner: the cleaner compacts in
     * bursts whenever a segment of a compacted topic fills, so it would land on whichever run
     * happened to be measured then (the floor's too, whose topic is not compacted). Its CPU is
     * charged to the messages that made it instead ({@link #cleanerMsPerProductMessage}).
     */
    private long[] capacityCpu(Processes.Child jvm) {
        return new long[] {jvm.cpuMillis(), kafka.cpuMillis() - cleanerCpuMillis()};
    }

    /** What the broker's log cleaner threads used so far, in ms. */
    private long cleanerCpuMillis() {
        return Processes.cpuMillisOf(
                Processes.threadCpuMillis(kafka.pid()), name -> name.startsWith(CLEANER_THREADS));
    }

    /**
     * The broker's log cleaner's CPU per message of the product: what it used from the start of the
     * capacity runs until {@code now}, over the aggregates and transcript records the product runs
     * wrote to their compacted topics by then (one of each per message). The cleaner may not yet
     * have compacted the last runs' records (they must be {@code min.compaction.lag.ms} old and
     * their segment closed), so this can fall a little short, never over.
     */
    private double cleanerMsPerProductMessage(long cleanerAtStart) {
        return productMessages == 0
                ? 0
                : (cleanerCpuMillis() - cleanerAtStart) / (double) productMessages;
    }

    /**
     * The capacity runs wrote gigabytes to compacted topics; the broker would spend the end-to-end
     * runs compacting them. They are deleted first, and the broker given a moment to let go.
     */
    private void dropCapacityTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<String> topics =
                    admin.listTopics().names().get().stream()
                            .filter(t -> t.startsWith(CAP))
                            .toList();
            admin.deleteTopics(topics).all().get();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < deadline
                    && admin.listTopics().names().get().stream().anyMatch(t -> t.startsWith(CAP))) {
                Thread.sleep(200);
            }
        }
        Thread.sleep(5_000);
    }

    // --- end to end and ingest -------------------------------------------------------------------

    private void endToEndAndIngest(double capacity) throws Exception {
        String key = "bench-key-" + UUID.randomUUID();
        int apiPort = FreePorts.pick("0.0.0.0");
        // -Dbench.liveArgs=--kafka-compression,snappy tries a setting end to end
        runner.command(
                "live "
                        + E2E
                        + " "
                        + String.join(" ", System.getProperty("bench.liveArgs", "").split(",")));
        runner.await("started", Duration.ofMinutes(1));
        try (Processes.Child api =
                Processes.java(
                        "api",
                        "io.signalstream.api.Main",
                        List.of(),
                        apiEnvironment(key, apiPort),
                        "1g",
                        logs(),
                        apiJvmOptions())) {
            String url = "http://127.0.0.1:" + apiPort;
            awaitReady(url);
            LoadGenerator load = new LoadGenerator(url, key, 32);
            Corpus corpus = new Corpus(7);
            // a short run first, so the API's and the job's code paths are compiled
            load.run("warm", 200, 10, 100, true, Duration.ofSeconds(5), corpus);
            // Then the whole path at a steady rate, as the capacity runs warm up: four fresh JVMs
            // share two cores, and until their compilers settle each message costs several times
            // its steady price. These runs are reported apart; they show the cost falling.
            ArrayNode warm = results.putArray("e2e_warmup_runs");
            for (int i = 0; i < settings.e2eWarmupRuns(); i++) {
                warm.add(
                        endToEnd(
                                load, corpus, api, url, key, settings.e2eWarmupRate(), "warm" + i));
            }
            awaitCaughtUp(url, key);
            // First, while the job has no backlog from the runs above capacity below:
            // Rules: POST → signed webhook received, with a rule firing on every message.
            try (WebhookBench webhooks =
                    new WebhookBench(
                            url, key, bootstrap, E2E + Topics.ALERTS, E2E + Topics.AI_AGGREGATED)) {
                webhooks.setUp();
                // The first runs meet a stack still compiling its code (four JVMs on two cores);
                // they are reported apart, the last one is the measured figure.
                int warmups = Integer.getInteger("bench.webhookWarmups", 2);
                ArrayNode cold = results.putArray("rules_warmup_runs");
                for (int repeat = 0; repeat <= warmups; repeat++) {
                    ObjectNode rules =
                            webhooks.run(
                                    "wh" + repeat,
                                    Integer.getInteger("bench.webhookRate", 100),
                                    settings.e2eSeconds(),
                                    Duration.ofSeconds(10));
                    if (repeat < warmups) {
                        cold.add(rules);
                    } else {
                        results.set("rules", rules);
                    }
                    System.out.printf(
                            "  POST → webhook at %.0f msg/s: p50 %.1f ms, p99 %.1f ms (POST → 202 p50 %.1f ms, p99 %.1f ms; aggregate on"
                                    + " Kafka: p50 %.1f ms, p99 %.1f ms; alert on Kafka: p50 %.1f ms,"
                                    + " p99 %.1f ms; %d samples, %d unseen, %d receiver connections)%n",
                            rules.get("rate").asDouble(),
                            rules.get("webhook_p50_ms").asDouble(),
                            rules.get("webhook_p99_ms").asDouble(),
                            rules.get("post_202_p50_ms").asDouble(),
                            rules.get("post_202_p99_ms").asDouble(),
                            rules.get("aggregate_on_kafka_p50_ms").asDouble(),
                            rules.get("aggregate_on_kafka_p99_ms").asDouble(),
                            rules.get("alert_on_kafka_p50_ms").asDouble(),
                            rules.get("alert_on_kafka_p99_ms").asDouble(),
                            rules.get("samples").asInt(),
                            rules.get("unseen_at_deadline").asInt(),
                            rules.get("receiver_connections").asInt());
                }
                webhooks.tearDown();
            }

            ObjectNode e2eNode = results.putObject("e2e");
            // First at fixed rates, where the whole stack on this machine keeps up.
            ArrayNode fixed = e2eNode.putArray("fixed_rate_runs");
            for (String rate : System.getProperty("bench.e2eFixedRates", "1000,4000").split(",")) {
                if (rate.isBlank()) {
                    continue;
                }
                double r = Double.parseDouble(rate.strip());
                fixed.add(endToEnd(load, corpus, api, url, key, r, "e2e-" + Math.round(r)));
            }
            ObjectNode ingestNode = results.putObject("ingest");
            ingestNode.put("waited_for_backlog_ms", awaitCaughtUp(url, key));
            ArrayNode ingest = ingestNode.putArray("runs");
            ApiClient apiClient = new ApiClient(url, key, HttpClient.newHttpClient());
            // Each rate in rounds back to back, each round new messages to new conversations (a
            // repeated message would be a duplicate the job skips): the p99 of all the rate's POSTs
            // and each round's beside it. -Dbench.ingestRates=1000 -Dbench.ingestRounds=12 tries
            // a change within one stack.
            String[] rates = System.getProperty("bench.ingestRates", "250,500,1000").split(",");
            for (String rateSetting : rates) {
                int rate = Integer.parseInt(rateSetting.strip());
                Cpu before = cpu(api);
                ApiCounters countersBefore = ApiCounters.read(apiClient);
                ObjectNode run = ingest.addObject();
                run.put("rate", rate);
                ArrayNode rounds = run.putArray("rounds");
                List<Double> p99s = new ArrayList<>();
                LoadGenerator.Result all = null;
                for (int round = 0; round < settings.ingestRounds(); round++) {
                    LoadGenerator.Result r =
                            load.run(
                                    "ingest" + rate + "-" + ingest.size() + "-" + round,
                                    rate,
                                    settings.ingestSeconds(),
                                    500,
                                    false,
                                    Duration.ZERO,
                                    corpus);
                    double p50 = ms(r.postMicros(), 50);
                    double p99 = ms(r.postMicros(), 99);
                    rounds.addObject()
                            .put("p50_ms", p50)
                            .put("p99_ms", p99)
                            .put("posts_over_20ms", overTarget(r.postMicros()));
                    p99s.add(p99);
                    all = all == null ? r : all.plus(r);
                    System.out.printf(
                            "  POST at %d/s, round %d: p50 %.2f ms, p99 %.2f ms, %d errors%n",
                            rate, round + 1, p50, p99, r.errors());
                }
                double p50 = ms(all.postMicros(), 50);
                double p99 = ms(all.postMicros(), 99);
                run.put("p50_ms", p50);
                run.put("p99_ms", p99);
                run.put("p999_ms", ms(all.postMicros(), 99.9));
                run.put("samples", all.postMicros().getTotalCount());
                run.put("errors", all.errors());
                run.put("p99_ms_median_of_rounds", median(p99s));
                tail(run, all, ApiCounters.read(apiClient).minus(countersBefore));
                cpuPerMessage(run, before, api, all.sent());
                System.out.printf(
                        "  POST at %d/s, %d rounds: p50 %.2f ms, p99 %.2f ms, %d errors%n",
                        rate, settings.ingestRounds(), p50, p99, all.errors());
            }
            // Last, the fractions of the job's own capacity: above what the whole stack can do on
            // this machine they leave a backlog, which no run after them should measure.
            ArrayNode e2e = e2eNode.putArray("runs");
            for (double fraction : capacity == 0 ? new double[0] : new double[] {0.25, 0.5, 0.75}) {
                e2e.add(
                        endToEnd(
                                        load,
                                        corpus,
                                        api,
                                        url,
                                        key,
                                        capacity * fraction,
                                        // not a fixed run's id at the same rate: its
                                        // messages would be duplicates the job skips
                                        "e2e-" + Math.round(100 * fraction) + "pct")
                                .put("load_fraction", fraction));
            }
            if (!settings.profileApi().isEmpty()) {
                api.dumpRecording(Path.of(settings.profileApi()));
            }
            runner.command("check");
            String check = runner.await("check", Duration.ofSeconds(30));
            results.putObject("job").put("after_end_to_end", check.substring(6));
        }
        runner.command("cancel");
        runner.await("cancelled", Duration.ofMinutes(2));
    }

    /**
     * Where an ingest run's slow POSTs went: how many took longer than the goal from when they were
     * due, how many the load generator began sending that late (every connection of its fixed pool
     * busy with earlier POSTs, or its threads waiting for a core), how many the API took that long
     * over (its request timer, from routing to answer), how many messages Kafka acknowledged later
     * than that (its produce timer, send to acknowledgement), and the API's collector pauses in the
     * run.
     */
    private static void tail(ObjectNode run, LoadGenerator.Result r, ApiCounters counters) {
        run.put("posts_over_20ms", overTarget(r.postMicros()));
        run.put("sent_over_20ms_late", overTarget(r.lateMicros()));
        run.put("handled_over_20ms", Math.round(counters.postsOverTarget()));
        run.put("acks_over_20ms", Math.round(counters.acksOverTarget()));
        run.put("acks", Math.round(counters.acks()));
        run.put("api_gc_pauses", Math.round(counters.pauses()));
        run.put("api_gc_pause_ms", Math.round(counters.pauseSeconds() * 1_000));
    }

    /** How many of {@code micros} are above the POST → 202 goal. */
    private static long overTarget(Histogram micros) {
        long target = Math.round(ApiCounters.TARGET_SECONDS * 1_000_000);
        return micros.getTotalCount() - micros.getCountBetweenValues(0, target);
    }

    /**
     * The API's JVM options: its pause goal as deployed, unless {@code -Dbench.apiJvm="…"} says
     * otherwise; a log of its collections beside the others; a recording when profiled.
     */
    private String[] apiJvmOptions() {
        List<String> options = Processes.apiJvm(logs().resolve("api-gc.log"));
        if (!settings.profileApi().isEmpty()) {
            options.add("-XX:StartFlightRecording=settings=profile");
            options.add("-XX:FlightRecorderOptions=stackdepth=512");
        }
        return options.toArray(String[]::new);
    }

    /**
     * The API's environment; {@code -Dbench.apiEnv=KAFKA_INGEST_LINGER_MS=5,…} tries a setting end
     * to end.
     */
    private Map<String, String> apiEnvironment(String key, int apiPort) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("TOPIC_PREFIX", E2E);
        env.put("SIGNALSTREAM_API_KEYS", key + "=" + TENANT + "/ingest+read+admin");
        env.put("SIGNALSTREAM_INGEST_RATE", "1000000");
        env.put("SIGNALSTREAM_INGEST_BURST", "2000000");
        env.put("SIGNALSTREAM_WEBHOOK_ALLOW", "loopback");
        env.put("SERVER_PORT", Integer.toString(apiPort));
        for (String setting : System.getProperty("bench.apiEnv", "").split(",")) {
            int eq = setting.indexOf('=');
            if (eq > 0) {
                env.put(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
            }
        }
        return env;
    }

    private ObjectNode endToEnd(
            LoadGenerator load,
            Corpus corpus,
            Processes.Child api,
            String url,
            String key,
            double rate,
            String runId)
            throws Exception {
        rate = Math.max(50, rate);
        long caughtUp = awaitCaughtUp(url, key);
        Cpu before = cpu(api);
        LoadGenerator.Result r =
                load.run(
                        runId,
                        rate,
                        settings.e2eSeconds(),
                        1_000,
                        true,
                        Duration.ofSeconds(10),
                        corpus);
        ObjectNode run = MAPPER.createObjectNode();
        run.put("waited_for_backlog_ms", caughtUp);
        latencies(run, r, before, api);
        System.out.printf(
                "  %s at %.0f msg/s: p50 %.1f ms, p99 %.1f ms, seen %d of %d%n",
                runId,
                rate,
                r.updateMicros().getValueAtPercentile(50) / 1000.0,
                r.updateMicros().getValueAtPercentile(99) / 1000.0,
                r.seen(),
                r.sent());
        return run;
    }

    private void latencies(
            ObjectNode run, LoadGenerator.Result r, Cpu before, Processes.Child api) {
        run.put("rate", Math.round(r.rate()));
        run.put("p50_ms", ms(r.updateMicros(), 50));
        run.put("p99_ms", ms(r.updateMicros(), 99));
        run.put("samples", r.updateMicros().getTotalCount());
        run.put("seen", r.seen());
        run.put("sent", r.sent());
        run.put("accepted", r.accepted());
        run.put("post_p50_ms", ms(r.postMicros(), 50));
        run.put("post_p99_ms", ms(r.postMicros(), 99));
        // What the four processes cost together bounds the rate this machine can carry end to end:
        // an offered rate above it can only show a queue.
        double stack = cpuPerMessage(run, before, api, r.sent());
        int cores = Runtime.getRuntime().availableProcessors();
        run.put("stack_cpu_ms_per_msg", round(stack, 4));
        run.put("cores", cores);
        run.put("stack_limit_msgs_per_s", Math.round(cores * 1_000 / Math.max(stack, 1e-6)));
    }

    /** Puts each process's CPU per message into {@code run}; returns their sum. */
    private double cpuPerMessage(ObjectNode run, Cpu before, Processes.Child api, long messages) {
        Cpu after = cpu(api);
        ObjectNode cpu = run.putObject("cpu_ms_per_msg_by_process");
        ObjectNode jit = run.putObject("jit_ms_per_msg_by_process");
        double sum = 0;
        for (int i = 0; i < Cpu.PROCESSES.length; i++) {
            double ms =
                    round(
                            (after.total()[i] - before.total()[i]) / (double) Math.max(1, messages),
                            4);
            cpu.put(Cpu.PROCESSES[i], ms);
            sum += ms;
            // a compiler thread that ended meanwhile takes its time with it: at least this much
            long compiled = Math.max(0, after.jit(i) - before.jit(i));
            jit.put(Cpu.PROCESSES[i], round(compiled / (double) Math.max(1, messages), 4));
        }
        busiestThreads(run, before, after, messages);
        ObjectNode requests = run.putObject("kafka_requests_per_msg");
        for (int i = 0; i < BrokerRequests.TYPES.size(); i++) {
            requests.put(
                    BrokerRequests.TYPES.get(i).toLowerCase(Locale.ROOT),
                    round(
                            (after.requests()[i] - before.requests()[i])
                                    / (double) Math.max(1, messages),
                            3));
        }
        return sum;
    }

    /** How many of each process's threads {@link #busiestThreads} names. */
    static final int BUSIEST_THREADS = 8;

    /**
     * Each process's busiest threads in the run, CPU per message, to show where a message's cost
     * goes at a given rate: at light load it is per request and per wake-up (the broker's request
     * handlers, the clients' network threads, the task threads), none of which a profile of the
     * capacity runs shows. Threads are named without their numbers, so pools add up.
     */
    private static void busiestThreads(ObjectNode run, Cpu before, Cpu after, long messages) {
        ObjectNode byProcess = run.putObject("cpu_ms_per_msg_by_thread");
        for (int i = 0; i < Cpu.PROCESSES.length; i++) {
            ObjectNode threads = byProcess.putObject(Cpu.PROCESSES[i]);
            busiestFirst(before.threads().get(i), after.threads().get(i))
                    .limit(BUSIEST_THREADS)
                    .forEach(
                            e ->
                                    threads.put(
                                            e.getKey(),
                                            round(
                                                    e.getValue() / (double) Math.max(1, messages),
                                                    4)));
        }
    }

    /**
     * Each process's CPU so far, and what its JIT compiler threads took of it: a fresh JVM keeps
     * compiling for minutes, and on two shared cores that is part of what a message costs until it
     * settles. Indexed as {@link #PROCESSES}; with each process's threads by name, and the broker's
     * requests served so far (by {@link BrokerRequests#TYPES}).
     */
    private record Cpu(long[] total, List<Map<String, Long>> threads, long[] requests) {
        static final String[] PROCESSES = {"job", "kafka", "api", "load_generator"};

        /** What process {@code i}'s JIT compiler threads used so far, in ms. */
        long jit(int i) {
            return Processes.compilerCpuMillis(threads.get(i));
        }
    }

    private Cpu cpu(Processes.Child api) {
        long[] pids = {runner.pid(), kafka.pid(), api.pid(), ProcessHandle.current().pid()};
        long[] total = new long[pids.length];
        List<Map<String, Long>> threads = new ArrayList<>();
        for (int i = 0; i < pids.length; i++) {
            total[i] = Processes.cpuMillis(pids[i]);
            threads.add(Processes.threadCpuMillis(pids[i]));
        }
        return new Cpu(total, threads, brokerRequests.counts());
    }

    /**
     * Waits until the job has caught up with what was posted before: a marker message to each of 16
     * new conversations (spread over the raw topic's partitions) must be analysed, so a run never
     * measures the backlog an earlier run above capacity left. Returns the wait in ms.
     */
    private static long awaitCaughtUp(String url, String key) throws Exception {
        ApiClient client = new ApiClient(url, key, HttpClient.newHttpClient());
        long start = System.nanoTime();
        List<String> markers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String id = "caught-up-" + UUID.randomUUID();
            markers.add(id);
            HttpResponse<String> posted =
                    client.send(
                            "POST",
                            "/v1/messages",
                            Corpus.post(id, id + "-m", true, "Are you there?"));
            if (posted.statusCode() != 202) {
                throw new IllegalStateException(
                        "a marker message was refused: "
                                + posted.statusCode()
                                + " "
                                + posted.body());
            }
        }
        long deadline = start + Duration.ofMinutes(3).toNanos();
        while (!markers.isEmpty() && System.nanoTime() < deadline) {
            markers.removeIf(
                    id -> {
                        try {
                            return client.send("GET", "/v1/conversations/" + id + "/insights", "")
                                            .statusCode()
                                    == 200;
                        } catch (Exception e) {
                            return false;
                        }
                    });
            if (!markers.isEmpty()) {
                Thread.sleep(200);
            }
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                "  backlog: %s after %d ms%n",
                markers.isEmpty() ? "caught up" : "still behind", waited);
        return markers.isEmpty() ? waited : -waited;
    }

    private static void awaitReady(String url) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(
                                        HttpRequest.newBuilder(URI.create(url + "/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the API was not ready within 2 minutes");
    }

    // --- Kafka helpers
    // -----------------------------------------------------------------------------

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("linger.ms", "10");
        props.put("batch.size", "262144");
        props.put("compression.type", "lz4");
        props.put("acks", "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        return c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList();
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            return new LinkedHashMap<>(c.endOffsets(partitions(c, topic)));
        }
    }

    /**
     * The mean size of {@code topic}'s last records (key, value and headers, as written; up to
     * {@value #SIZE_SAMPLE} per partition, from the tail the log cleaner has not reached yet).
     */
    private long recordBytes(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(c, topic);
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            for (TopicPartition tp : parts) {
                c.seek(tp, Math.max(begin.get(tp), end.get(tp) - SIZE_SAMPLE));
            }
            long records = 0;
            long bytes = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // compaction leaves gaps: read until every partition's position reached its end
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    records++;
                    bytes +=
                            Math.max(0, r.serializedKeySize())
                                    + Math.max(0, r.serializedValueSize());
                    for (Header h : r.headers()) {
                        bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
                    }
                }
            }
            return records == 0 ? 0 : Math.round(bytes / (double) records);
        }
    }

    private static final int SIZE_SAMPLE = 5_000;

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    // --- numbers
    // -------------------------------------------------------------------------------------

    /** Each round's {@code with ÷ without − 1}, the two lists in the rounds' order. */
    static List<Double> pairedOverheads(List<Double> with, List<Double> without) {
        return roundRatios(with, without).stream().map(r -> r - 1).toList();
    }

    /** Each round's {@code a ÷ b}, the two lists in the rounds' order. */
    static List<Double> roundRatios(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(a.size() + " rounds with, " + b.size() + " without");
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(a.get(i) / b.get(i));
        }
        return ratios;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double ms(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0, 2);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }
}
