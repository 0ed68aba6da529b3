package io.signalstream.local;

import io.signalstream.api.QueryApi;
import io.signalstream.job.JobConfig;
import io.signalstream.job.SignalStreamJob;
import io.signalstream.job.sink.KafkaSinks;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
            boolean exactlyOnce) {}

    private final Options options;
    private EmbeddedKafka kafka;
    private QueryApi api;
    private JobClient job;
    private String flinkUi;

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

        api = QueryApi.local(kafka.bootstrapServers(), options.apiPort()).start();

        JobConfig jobConfig =
                JobConfig.from(
                        new String[] {
                            "--bootstrap-servers", kafka.bootstrapServers(),
                            "--ai-provider", options.aiProvider(),
                            "--exactly-once", Boolean.toString(options.exactlyOnce())
                        },
                        Map.of());
        Configuration flink = flinkConfiguration();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(options.parallelism());
        SignalStreamJob.defineWorkflow(
                env, SignalStreamJob.kafkaSource(jobConfig), new KafkaSinks(jobConfig), jobConfig);
        job = env.executeAsync("SignalStream (local)");
        flinkUi = "http://localhost:" + flink.get(RestOptions.PORT);
        return this;
    }

    private Configuration flinkConfiguration() {
        Configuration conf =
                options.flinkConfDir() != null && Files.isDirectory(options.flinkConfDir())
                        ? GlobalConfiguration.loadConfiguration(options.flinkConfDir().toString())
                        : new Configuration();
        Path checkpoints = options.dataDir().resolve("checkpoints");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(RestOptions.PORT, options.flinkUiPort() == 0 ? freePort() : options.flinkUiPort());
        latestCheckpoint(checkpoints)
                .ifPresent(
                        chk -> {
                            LOG.info("Resuming the job from checkpoint {}", chk);
                            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, chk.toString());
                        });
        return conf;
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

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String apiUrl() {
        return "http://localhost:" + api.port();
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
