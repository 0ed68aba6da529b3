package io.signalstream.local.bench;

import io.signalstream.job.SignalStreamJob;
import io.signalstream.job.config.JobConfig;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.rules.RuleBook;
import io.signalstream.job.sink.KafkaSinks;
import io.signalstream.job.sink.SinkRecordSerializer;
import io.signalstream.job.source.KafkaSources;
import io.signalstream.job.source.SourceRecordDeserializer;
import io.signalstream.kafka.FreePorts;
import io.signalstream.model.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.TopicPartition;

/**
 * The benchmark's job process: a local Flink cluster (the cluster's {@code config.yaml}: RocksDB,
 * incremental checkpoints) that runs one job at a time on command, read from standard input:
 *
 * <pre>
 * floor PREFIX OFFSETS            the floor job over the raw topic from OFFSETS ("0=12,1=40,...")
 * product PREFIX OFFSETS [ARGS]   the product over the same input
 * live PREFIX [ARGS]              the product from the group's committed offsets (end to end)
 * check                           prints "check STATUS EXCEPTIONS" of the running job
 * cancel                          cancels it and prints "cancelled"
 * </pre>
 *
 * Arguments: bootstrap servers, flink-conf folder, parallelism, checkpoint folder.
 */
public final class JobRunner {

    private final String bootstrap;
    private final Path flinkConf;
    private final int parallelism;
    private final Path checkpoints;
    private final int restPort;
    private JobClient job;

    private JobRunner(String[] args) throws Exception {
        bootstrap = args[0];
        flinkConf = Path.of(args[1]);
        parallelism = Integer.parseInt(args[2]);
        checkpoints = Path.of(args[3]);
        restPort = FreePorts.pick("0.0.0.0");
    }

    public static void main(String[] args) throws Exception {
        JobRunner runner = new JobRunner(args);
        System.out.println("ready");
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                runner.run(line.strip().split(" "));
            } catch (Exception e) {
                System.out.println("failed " + e);
            }
        }
        System.exit(0);
    }

    private void run(String[] command) throws Exception {
        switch (command[0]) {
            case "floor" -> start(floor(command[1], command[2]));
            case "product" ->
                    start(
                            product(
                                    command[1],
                                    OffsetsInitializer.offsets(
                                            offsets(command[1] + Topics.MESSAGES_RAW, command[2])),
                                    Arrays.copyOfRange(command, 3, command.length)));
            case "live" ->
                    start(
                            product(
                                    command[1],
                                    null,
                                    Arrays.copyOfRange(command, 2, command.length)));
            case "check" ->
                    System.out.println("check " + job.getJobStatus().get() + " " + exceptions());
            case "cancel" -> {
                job.cancel().get(60, TimeUnit.SECONDS);
                job = null;
                System.out.println("cancelled");
            }
            default -> System.out.println("failed unknown command " + command[0]);
        }
    }

    private void start(StreamExecutionEnvironment env) throws Exception {
        job = env.executeAsync("bench");
        System.out.println("started " + job.getJobID());
    }

    private StreamExecutionEnvironment environment() {
        Configuration conf = GlobalConfiguration.loadConfiguration(flinkConf.toString());
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpoints.resolve(Long.toString(System.nanoTime())).toUri().toString());
        conf.set(RestOptions.PORT, restPort);
        conf.removeKey("metrics.reporter.prom.factory.class");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    private StreamExecutionEnvironment floor(String prefix, String offsets) throws Exception {
        StreamExecutionEnvironment env = environment();
        JobConfig config = config(prefix, new String[0]);
        FloorJob.define(
                env,
                source(
                        config,
                        OffsetsInitializer.offsets(offsets(prefix + Topics.MESSAGES_RAW, offsets))),
                KafkaSink.<SinkRecord>builder()
                        .setBootstrapServers(bootstrap)
                        .setKafkaProducerConfig(
                                KafkaSinks.producerProperties(config.kafka(), config.output()))
                        .setRecordSerializer(
                                new SinkRecordSerializer(prefix, config.output().maxRecordBytes()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build());
        return env;
    }

    private StreamExecutionEnvironment product(
            String prefix, OffsetsInitializer from, String[] extra) throws Exception {
        StreamExecutionEnvironment env = environment();
        JobConfig config = config(prefix, extra);
        SignalStreamJob.defineWorkflow(
                env,
                from == null ? KafkaSources.messages(config.kafka()) : source(config, from),
                RuleBook.kafka(config.kafka()),
                new KafkaSinks(config.kafka(), config.output()),
                config);
        return env;
    }

    private JobConfig config(String prefix, String[] extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers", bootstrap,
                                "--topic-prefix", prefix,
                                "--group-id", "bench-" + prefix));
        args.addAll(List.of(extra));
        return JobConfig.from(args.toArray(String[]::new), Map.of());
    }

    private static KafkaSource<SourceRecord> source(JobConfig config, OffsetsInitializer from) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setTopics(config.kafka().topic(Topics.MESSAGES_RAW))
                .setGroupId(config.kafka().groupId())
                .setStartingOffsets(from)
                .setDeserializer(new SourceRecordDeserializer())
                .setProperties(config.kafka().clientProperties())
                .build();
    }

    private static Map<TopicPartition, Long> offsets(String topic, String spec) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.split("=");
            offsets.put(new TopicPartition(topic, Integer.parseInt(kv[0])), Long.parseLong(kv[1]));
        }
        return offsets;
    }

    /** Entries in the job's exception history (failures and restarts), from Flink's REST API. */
    private int exceptions() throws Exception {
        HttpResponse<String> res =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://localhost:"
                                                                + restPort
                                                                + "/jobs/"
                                                                + job.getJobID()
                                                                + "/exceptions"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        var node = io.signalstream.model.Json.newMapper().readTree(res.body());
        return node.path("exceptionHistory").path("entries").size();
    }
}
