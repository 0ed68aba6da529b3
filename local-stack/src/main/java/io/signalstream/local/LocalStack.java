package io.signalstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.api.ApiKeys;
import io.signalstream.api.ApiSettings;
import io.signalstream.api.QueryApi;
import io.signalstream.job.SignalStreamJob;
import io.signalstream.job.config.JobConfig;
import io.signalstream.job.rules.RuleBook;
import io.signalstream.job.sink.KafkaSinks;
import io.signalstream.job.source.KafkaSources;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.FreePorts;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole product on one machine: a Kafka broker with the product's topics, the job on a local
 * Flink MiniCluster (RocksDB, checkpoints under the data folder), and the query API. Started again
 * on the same folder, it resumes the job from its latest retained checkpoint.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /**
     * @param dataDir Kafka data and Flink checkpoints live here
     * @param kafkaPort 0 picks a free port
     * @param apiPort 0 picks a free port
     * @param flinkUiPort 0 picks a free port
     * @param flinkConfDir the cluster's {@code config.yaml}; its checkpoint directory is replaced
     * @param ingestRate messages a second each tenant may post; 0 for the API's default or {@code
     *     SIGNALSTREAM_INGEST_RATE}
     * @param ingestBurst messages a tenant may post at once, with {@code ingestRate}; 0 for twice
     *     the rate
     */
    public record Options(
            Path dataDir,
            int kafkaPort,
            int apiPort,
            int flinkUiPort,
            int partitions,
            int parallelism,
            Path flinkConfDir,
            String aiProvider,
            boolean exactlyOnce,
            List<String> jobArgs,
            String apiKeys,
            double ingestRate,
            int ingestBurst) {

        /** Options with no job arguments beyond the ones named here and a generated dev key. */
        public Options(
                Path dataDir,
                int kafkaPort,
                int apiPort,
                int flinkUiPort,
                int partitions,
                int parallelism,
                Path flinkConfDir,
                String aiProvider,
                boolean exactlyOnce) {
            this(
                    dataDir,
                    kafkaPort,
                    apiPort,
                    flinkUiPort,
                    partitions,
                    parallelism,
                    flinkConfDir,
                    aiProvider,
                    exactlyOnce,
                    List.of(),
                    null,
                    0,
                    0);
        }

        /** These options with API keys {@code key=tenant,...} instead of a generated dev key. */
        public Options withApiKeys(String spec) {
            return with(jobArgs, spec, ingestRate, ingestBurst);
        }

        /** These options with more job arguments. */
        public Options withJobArgs(List<String> args) {
            return with(args, apiKeys, ingestRate, ingestBurst);
        }

        /**
         * These options with another per-tenant ingest limit: {@code rate} messages a second,
         * {@code burst} at once.
         */
        public Options withIngestLimit(double rate, int burst) {
            return with(jobArgs, apiKeys, rate, burst);
        }

        private Options with(List<String> args, String keys, double rate, int burst) {
            return new Options(
                    dataDir,
                    kafkaPort,
                    apiPort,
                    flinkUiPort,
                    partitions,
                    parallelism,
                    flinkConfDir,
                    aiProvider,
                    exactlyOnce,
                    args,
                    keys,
                    rate,
                    burst);
        }
    }

    /** The tenant of the generated development key. */
    public static final String DEV_TENANT = "demo-tenant";

    /** Where {@code make run} serves the job's metrics, as a cluster's JobManager would. */
    public static final int DEFAULT_METRICS_PORT = 9249;

    private final Options options;
    private EmbeddedKafka kafka;
    private QueryApi api;
    private JobClient job;
    private String flinkUi;
    private String devKey;
    private int metricsPort;
    private String upgradeNote;
    private String startNote;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public LocalStack(Options options) {
        this.options = options;
    }

    /** Starts everything, or, if any part fails to start, stops what already runs and rethrows. */
    public LocalStack start() throws Exception {
        try {
            return startAll();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private LocalStack startAll() throws Exception {
        // Helidon installs a JVM-wide deserialization filter that rejects unknown classes. Here the
        // API shares its JVM with a Flink MiniCluster, which ships job graphs by Java
        // serialization,
        // so the filter is left out. A stand-alone query API keeps Helidon's filter.
        if (System.getProperty("helidon.serialFilter.missing.action") == null) {
            System.setProperty("helidon.serialFilter.missing.action", "IGNORE");
        }
        kafka =
                EmbeddedKafka.builder()
                        .dataDir(options.dataDir().resolve("kafka"))
                        .port(options.kafkaPort())
                        .controllerPort(options.kafkaPort() == 0 ? 0 : options.kafkaPort() + 1)
                        .build()
                        .start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", options.partitions());

        ApiKeys keys;
        if (options.apiKeys() != null) {
            keys = ApiKeys.parse(options.apiKeys());
        } else {
            devKey = devKey(options.dataDir());
            keys = ApiKeys.parse(devKey + "=" + DEV_TENANT + "/ingest+read+admin");
        }
        ApiSettings apiSettings =
                ApiSettings.local(
                        kafka.bootstrapServers(), keys, options.dataDir().resolve("api-store"));
        String ingestRate = System.getenv("SIGNALSTREAM_INGEST_RATE");
        if (options.ingestRate() > 0 || (ingestRate != null && !ingestRate.isBlank())) {
            // The API's own variable: benchmarks raise the per-tenant limit with it.
            double rate =
                    options.ingestRate() > 0
                            ? options.ingestRate()
                            : Double.parseDouble(ingestRate);
            int burst =
                    options.ingestBurst() > 0
                            ? options.ingestBurst()
                            : (int) Math.min(Integer.MAX_VALUE, 2 * rate);
            apiSettings = apiSettings.withIngestLimit(rate, burst);
        }

        Path checkpoints = options.dataDir().resolve("checkpoints");
        Optional<Path> restore = restorableCheckpoint(checkpoints);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers", kafka.bootstrapServers(),
                                "--ai-provider", options.aiProvider(),
                                "--exactly-once", Boolean.toString(options.exactlyOnce())));
        if (upgradeNote != null) {
            // No state to resume from: rebuild every conversation from its retained messages.
            args.addAll(List.of("--start-from", "earliest"));
        }
        args.addAll(options.jobArgs());
        // The environment supplies the rest (GEMINI_API_KEY, GEMINI_MODEL, ...), as on a cluster.
        JobConfig jobConfig = JobConfig.from(args.toArray(String[]::new), System.getenv());
        // The API shows each tenant the token budget the job enforces, and sends its spans where
        // the job sends its own.
        api =
                QueryApi.local(
                                apiSettings
                                        .withTokenBudgets(jobConfig.gemini().budgets())
                                        .withOtlpEndpoint(jobConfig.otlpEndpoint()),
                                options.apiPort())
                        .start();
        if (upgradeNote == null && restore.isEmpty()) {
            startNote = noStateNote(jobConfig.kafka().groupId());
        }
        Configuration flink = flinkConfiguration(checkpoints, restore);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(options.parallelism());
        SignalStreamJob.defineWorkflow(
                env,
                KafkaSources.messages(jobConfig.kafka()),
                RuleBook.kafka(jobConfig.kafka()),
                new KafkaSinks(jobConfig.kafka(), jobConfig.output()),
                jobConfig);
        flinkUi = "http://localhost:" + flink.get(RestOptions.PORT);
        try {
            job = env.executeAsync("SignalStream (local)");
        } catch (Exception e) {
            // A snapshot Flink cannot even read fails the submission itself.
            LOG.error("the job could not be submitted", e);
            throw new JobStartException(startFailure("not submitted", rootCause(e), restore));
        }
        awaitRunning(restore);
        return this;
    }

    /** How long the job may take to have every task running before start gives up waiting. */
    static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Waits until every task of the job runs. A job that fails or restarts instead (a checkpoint it
     * cannot restore, a configuration its operators refuse) stops the start with the reason and the
     * way out; {@link #start()} then stops whatever already runs.
     */
    private void awaitRunning(Optional<Path> restore) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + JOB_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()
                    || status == JobStatus.FAILING
                    || status == JobStatus.RESTARTING) {
                throw new JobStartException(startFailure(status.name(), failureOf(http), restore));
            }
            if (status == JobStatus.RUNNING && allTasksRunning(http)) {
                return;
            }
            Thread.sleep(100); // polling Flink's REST API; there is no event to wait on
        }
        LOG.warn("the job's tasks are not all running after {}; going on", JOB_START_TIMEOUT);
    }

    private boolean allTasksRunning(HttpClient http) throws Exception {
        HttpResponse<String> res = rest(http, "/jobs/" + jobId());
        if (res.statusCode() != 200) {
            return false;
        }
        JsonNode vertices = MAPPER.readTree(res.body()).path("vertices");
        if (vertices.isEmpty()) {
            return false;
        }
        for (JsonNode v : vertices) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The reason of the job's newest failure, from Flink's exception history. */
    private String failureOf(HttpClient http) throws Exception {
        HttpResponse<String> res = rest(http, "/jobs/" + jobId() + "/exceptions");
        if (res.statusCode() != 200) {
            return "";
        }
        return rootCause(
                MAPPER.readTree(res.body())
                        .path("exceptionHistory")
                        .path("entries")
                        .path(0)
                        .path("stacktrace")
                        .asText(""));
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    private String startFailure(String status, String cause, Optional<Path> restore) {
        StringBuilder m = new StringBuilder("The job did not start (").append(status);
        m.append(cause.isEmpty() ? ")." : "): " + cause);
        if (restore.isPresent()) {
            m.append("\nIt was resuming from ")
                    .append(restore.get())
                    .append(", written by an earlier run on this data folder. To start the job")
                    .append(" with empty state instead, run: make run FRESH=1\n(The checkpoints")
                    .append(" are set aside, not deleted; Kafka's topics and the API's store stay;")
                    .append(" the job re-reads support.messages.raw from its beginning.)");
        }
        return m.toString();
    }

    /** The last "Caused by" line of a stack trace (or its first line): the reason itself. */
    static String rootCause(String trace) {
        String reason = "";
        for (String line : trace.split("\n")) {
            if (reason.isEmpty() && !line.isBlank()) {
                reason = line.strip();
            }
            if (line.startsWith("Caused by: ")) {
                reason = line.substring("Caused by: ".length()).strip();
            }
        }
        return reason.length() > 600 ? reason.substring(0, 600) + "…" : reason;
    }

    private HttpResponse<String> rest(HttpClient http, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(flinkUi + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The job's status now: {@code RUNNING}, {@code FAILED}, ... */
    public String jobStatus() throws Exception {
        return job.getJobStatus().get(10, TimeUnit.SECONDS).name();
    }

    /**
     * What a job without state will read, said at start: with the default {@code START_FROM} it
     * resumes at the offsets the group committed, else it reads the whole raw topic again.
     */
    private String noStateNote(String groupId) {
        Map<String, Object> props =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        groupId);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(Topics.MESSAGES_RAW).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(Set.copyOf(partitions));
            long retained = 0;
            long unread = 0;
            for (TopicPartition tp : partitions) {
                retained += end.get(tp) - begin.get(tp);
                OffsetAndMetadata c = committed.get(tp);
                unread += end.get(tp) - (c == null ? begin.get(tp) : c.offset());
            }
            if (retained == 0) {
                return null;
            }
            String note =
                    "The job has no state to resume from. It reads "
                            + Topics.MESSAGES_RAW
                            + " from the offsets its group committed, else from the beginning: "
                            + unread
                            + " of the "
                            + retained
                            + " retained messages will be analysed again"
                            + ("local".equals(options.aiProvider())
                                    ? "."
                                    : " (model calls for old conversations).");
            LOG.warn(note);
            return note;
        } catch (RuntimeException e) {
            LOG.debug("cannot read the raw topic's offsets: {}", e.toString());
            return null;
        }
    }

    /**
     * {@code make run FRESH=1}: sets the job's checkpoints aside (moved, never deleted) so the next
     * start begins with empty job state. Returns what was done, or null when there was nothing.
     */
    public static String setAsideJobState(Path dataDir) throws IOException {
        Path checkpoints = dataDir.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return null;
        }
        Path aside = dataDir.resolve("checkpoints-set-aside-" + System.currentTimeMillis());
        Files.move(checkpoints, aside);
        return "FRESH: the job's checkpoints were moved to "
                + aside
                + "; the job starts with empty state. Delete that folder once you no longer need"
                + " it.";
    }

    /** What the stack said at start about the job's input, or null when nothing. */
    public String startNote() {
        return startNote;
    }

    /** The job failed to start; the message says why and what to do. */
    public static final class JobStartException extends Exception {
        private static final long serialVersionUID = 1L;

        JobStartException(String message) {
            super(message);
        }
    }

    private Configuration flinkConfiguration(Path checkpoints, Optional<Path> restore) {
        Configuration conf =
                options.flinkConfDir() != null && Files.isDirectory(options.flinkConfDir())
                        ? GlobalConfiguration.loadConfiguration(options.flinkConfDir().toString())
                        : new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        // The cluster's process sizes mean nothing to a JVM that already runs (Flink warns).
        conf.removeConfig(TaskManagerOptions.TOTAL_PROCESS_MEMORY);
        conf.removeConfig(JobManagerOptions.TOTAL_PROCESS_MEMORY);
        int[] free = options.flinkUiPort() == 0 ? FreePorts.pick(2, "0.0.0.0") : null;
        conf.set(RestOptions.PORT, free != null ? free[0] : options.flinkUiPort());
        // One process holds the JobManager and the TaskManager: one Prometheus port for both.
        metricsPort = free != null ? free[1] : DEFAULT_METRICS_PORT;
        conf.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        restore.ifPresent(
                chk -> {
                    LOG.info("Resuming the job from checkpoint {}", chk);
                    conf.set(StateRecoveryOptions.SAVEPOINT_PATH, chk.toString());
                });
        return conf;
    }

    /**
     * The job's state layout. A checkpoint written by a job of another layout cannot be restored
     * (its operators and state types differ): it is moved aside and the job rebuilds its state.
     */
    static final String STATE_LAYOUT = "2";

    private static final String LAYOUT_FILE = "STATE_LAYOUT";

    /**
     * The newest checkpoint this job can resume from. Checkpoints of an earlier layout of the job
     * (written before this file existed) are moved aside, with {@link #upgradeNote()} saying so.
     */
    private Optional<Path> restorableCheckpoint(Path checkpoints) throws IOException {
        Optional<Path> latest = latestCheckpoint(checkpoints);
        Path marker = checkpoints.resolve(LAYOUT_FILE);
        String layout = Files.isRegularFile(marker) ? Files.readString(marker).strip() : "1";
        if (latest.isPresent() && !layout.equals(STATE_LAYOUT)) {
            Path aside =
                    options.dataDir()
                            .resolve(
                                    "checkpoints-layout-"
                                            + layout
                                            + "-"
                                            + System.currentTimeMillis());
            Files.move(checkpoints, aside);
            upgradeNote =
                    "The job's state in "
                            + options.dataDir()
                            + " was written by an earlier version of SignalStream (state layout "
                            + layout
                            + ") and cannot be restored by this one; it was moved to "
                            + aside
                            + ". The job reads "
                            + "support.messages.raw from its beginning and rebuilds every"
                            + " conversation from its messages: no acknowledged message is lost."
                            + " Delete that folder once you no longer need it.";
            LOG.warn(upgradeNote);
            latest = Optional.empty();
        }
        Files.createDirectories(checkpoints);
        Files.writeString(marker, STATE_LAYOUT + "\n");
        return latest;
    }

    /** What the stack did to an earlier version's data at start, or null when nothing. */
    public String upgradeNote() {
        return upgradeNote;
    }

    /** The newest completed checkpoint ({@code chk-N} with {@code _metadata}) under {@code dir}. */
    static Optional<Path> latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> paths = Files.walk(dir, 3)) {
            return paths.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparing(LocalStack::modified));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints in " + dir, e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p.resolve("_metadata")).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The development key of {@link #DEV_TENANT}: made once per data folder and kept in {@code
     * dev-api-key} there (owner-readable only), so a restarted stack keeps its key.
     */
    static String devKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve("dev-api-key");
        if (Files.isRegularFile(file)) {
            String key = Files.readString(file).strip();
            if (!key.isEmpty()) {
                return key;
            }
        }
        Files.createDirectories(dataDir);
        String key = ApiKeys.generate();
        Files.writeString(file, key + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("cannot restrict {} on this file system", file);
        }
        return key;
    }

    /** The generated development key, or null when the options named the keys. */
    public String devKey() {
        return devKey;
    }

    public String apiUrl() {
        return "http://localhost:" + api.port();
    }

    /** The Flink job's metrics in Prometheus' format. */
    public String flinkMetricsUrl() {
        return "http://localhost:" + metricsPort + "/metrics";
    }

    public String flinkUi() {
        return flinkUi;
    }

    /** The Flink job's id, for its REST API (e.g. {@code /jobs/<id>/checkpoints}). */
    public String jobId() {
        return job.getJobID().toHexString();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public QueryApi api() {
        return api;
    }

    /** Cancels the job (its checkpoints are retained), then stops the API and the broker. */
    @Override
    public void close() {
        if (job != null) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("job did not cancel cleanly: {}", e.toString());
            }
            job = null;
        }
        if (api != null) {
            api.stop();
            api = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
