package io.signalstream.system;

import io.signalstream.kafka.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code scripts/cluster.sh} for a test: its own folder and free ports, so it never touches
 * a cluster a person runs. Each call waits for the script and fails the test when it fails.
 */
final class ClusterProcesses implements AutoCloseable {

    private final Path root;
    private final Path dir;
    private final Map<String, String> env;
    final int kafkaPort;
    final int restPort;
    final int apiPort;
    final String apiKey = "system-test-" + java.util.UUID.randomUUID();

    ClusterProcesses(Path dir) {
        this.root = Path.of("..").toAbsolutePath().normalize();
        this.dir = dir;
        // picked together: ports picked one after another may repeat
        int[] free = FreePorts.pick(5, "0.0.0.0");
        this.kafkaPort = free[0];
        this.restPort = free[1];
        this.apiPort = free[2];
        this.env =
                Map.ofEntries(
                        Map.entry("CLUSTER_DIR", dir.toString()),
                        Map.entry("KAFKA_PORT", Integer.toString(kafkaPort)),
                        Map.entry("KAFKA_CONTROLLER_PORT", Integer.toString(free[3])),
                        Map.entry("FLINK_REST_PORT", Integer.toString(restPort)),
                        Map.entry("FLINK_RPC_PORT", Integer.toString(free[4])),
                        Map.entry("API_PORT", Integer.toString(apiPort)),
                        Map.entry("TOPIC_PARTITIONS", "4"),
                        Map.entry("JOB_PARALLELISM", "2"),
                        Map.entry("JAVA_HOME", System.getProperty("java.home")),
                        Map.entry(
                                "SIGNALSTREAM_API_KEYS", apiKey + "=demo-tenant/ingest+read+admin"),
                        Map.entry("SIGNALSTREAM_WEBHOOK_ALLOW", "loopback"));
    }

    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    String flinkUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Runs {@code cluster.sh args...}; returns its output. */
    String run(String... args) {
        List<String> command =
                new ArrayList<>(List.of("bash", root.resolve("scripts/cluster.sh").toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(dir, "cluster-", ".out");
            ProcessBuilder p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .directory(root.toFile());
            p.environment().putAll(env);
            Process process = p.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "cluster.sh " + String.join(" ", args) + " did not finish in 5 minutes");
            }
            String output = Files.readString(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "cluster.sh " + String.join(" ", args) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of each component's log, to say why a step failed. */
    private String componentLogs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String component : List.of("kafka", "jobmanager", "taskmanager", "query-api")) {
            Path log = dir.resolve(component + ".log");
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log);
                out.append("\n--- ").append(component).append(".log (last 20 lines)\n");
                lines.subList(Math.max(0, lines.size() - 20), lines.size())
                        .forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    String jobId() throws IOException {
        return Files.readString(dir.resolve("job.id")).strip();
    }

    @Override
    public void close() {
        run("down");
    }
}
