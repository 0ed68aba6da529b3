package io.signalstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files agree with the build: no Docker engine runs here, so what can be checked
 * without one is checked here (images match the versions we build against, mounts exist, the
 * cluster configuration is what Flink reads).
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void flinkConfigurationIsWhatTheClusterNeeds() {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isNotNull();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isNotBlank();
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.toMap()).containsKey("execution.buffer-timeout.interval");
    }

    /**
     * Every key of the cluster's configuration is an option's own key, not a deprecated name Flink
     * maps to another (each would log a warning per operator at every start).
     */
    @Test
    void flinkConfigurationUsesNoDeprecatedKey() throws Exception {
        Set<String> deprecated = new TreeSet<>();
        for (Class<?> options :
                List.of(
                        CheckpointingOptions.class,
                        StateBackendOptions.class,
                        StateRecoveryOptions.class,
                        ExecutionOptions.class,
                        RestartStrategyOptions.class,
                        HeartbeatManagerOptions.class,
                        TaskManagerOptions.class,
                        JobManagerOptions.class,
                        RestOptions.class,
                        MetricOptions.class,
                        CoreOptions.class)) {
            for (Field f : options.getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && f.get(null) instanceof ConfigOption<?> option) {
                    for (FallbackKey k : option.fallbackKeys()) {
                        if (k.isDeprecated()) {
                            deprecated.add(k.getKey());
                        }
                    }
                }
            }
        }
        assertThat(deprecated).contains("state.backend.incremental"); // the lookup works

        Configuration conf =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        assertThat(conf.keySet()).doesNotContainAnyElementsOf(deprecated);
    }

    @Test
    void composeFileUsesTheVersionsWeBuildAndMountsWhatExists() throws Exception {
        // SnakeYAML resolves the "<<" merge keys the compose file uses; Jackson then walks the
        // tree.
        Object yaml = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode compose = new ObjectMapper().valueToTree(yaml);
        JsonNode services = compose.get("services");
        assertThat(services.fieldNames())
                .toIterable()
                .contains(
                        "kafka",
                        "kafka-topics",
                        "jobmanager",
                        "taskmanager",
                        "job-submitter",
                        "query-api");

        String flinkImage = "flink:" + EnvironmentInformation.getVersion() + "-java17";
        for (String flink : List.of("jobmanager", "taskmanager", "job-submitter")) {
            assertThat(services.get(flink).get("image").asText()).as(flink).isEqualTo(flinkImage);
        }
        assertThat(services.get("kafka").get("image").asText())
                .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(services.get("kafka-topics").get("image").asText())
                .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());

        assertThat(services.get("jobmanager").get("volumes").get(0).asText())
                .startsWith("./flink-conf/config.yaml:/opt/flink/conf/config.yaml");
        assertThat(ports(services.get("jobmanager"))).contains("127.0.0.1:8081:8081");
        assertThat(ports(services.get("query-api"))).contains("127.0.0.1:8080:8080");
        assertThat(ports(services.get("kafka"))).contains("127.0.0.1:9092:9092");
        // Nothing is published beyond this host, and Flink's web UI runs no uploaded jars.
        services.fields()
                .forEachRemaining(
                        s -> {
                            for (String port : ports(s.getValue())) {
                                assertThat(port).as(s.getKey()).startsWith("127.0.0.1:");
                            }
                        });
        assertThat(services.get("jobmanager").get("environment").get("FLINK_PROPERTIES").asText())
                .contains("web.submit.enable: false");
        assertThat(
                        services.get("query-api")
                                .get("environment")
                                .get("KAFKA_BOOTSTRAP_SERVERS")
                                .asText())
                .isEqualTo("kafka:19092");
        assertThat(Files.exists(ROOT.resolve("query-api/Dockerfile"))).isTrue();

        // The submitter mounts the jar this module builds, and the job's own flags.
        String mount = services.get("job-submitter").get("volumes").get(0).asText();
        String jar = mount.substring(0, mount.indexOf(':'));
        assertThat(jar).isEqualTo("./flink-job/target/flink-job-" + projectVersion() + "-all.jar");
        assertThat(services.get("job-submitter").get("command").asText())
                .contains("--bootstrap-servers kafka:19092");

        // Every product topic is created, the compacted ones compacted, unredacted text and the
        // audit trail with their retention.
        String topics = services.get("kafka-topics").get("command").get(0).asText();
        for (String topic : io.signalstream.model.Topics.ALL) {
            assertThat(topics).contains(topic);
        }
        for (var retained : io.signalstream.model.Topics.RETENTION.entrySet()) {
            assertThat(topics).contains("retention.ms=" + retained.getValue().toMillis());
        }
        assertThat(topics).contains("min.insync.replicas=");
    }

    @Test
    void prometheusScrapesTheJobAndTheApiAndGrafanaHasTheDashboard() throws Exception {
        Object yaml = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode services = new ObjectMapper().valueToTree(yaml).get("services");
        assertThat(
                        services.get("jobmanager")
                                .get("environment")
                                .get("ENABLE_BUILT_IN_PLUGINS")
                                .asText())
                .isEqualTo(
                        "flink-metrics-prometheus-" + EnvironmentInformation.getVersion() + ".jar");
        Configuration conf =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        assertThat(conf.toMap().get("metrics.reporter.prom.factory.class"))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");

        for (JsonNode volume : services.get("prometheus").get("volumes")) {
            String local = volume.asText().substring(0, volume.asText().indexOf(':'));
            assertThat(ROOT.resolve(local)).as(local).exists();
        }
        for (JsonNode volume : services.get("grafana").get("volumes")) {
            String local = volume.asText().substring(0, volume.asText().indexOf(':'));
            assertThat(ROOT.resolve(local)).as(local).exists();
        }
        String scrape = Files.readString(ROOT.resolve("deploy/prometheus.yml"));
        assertThat(scrape).contains("jobmanager:9249", "taskmanager:9249", "query-api:8080");

        JsonNode dashboard =
                new ObjectMapper().readTree(ROOT.resolve("docs/grafana-dashboard.json").toFile());
        List<String> exprs = new ArrayList<>();
        dashboard
                .get("panels")
                .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.get("expr").asText())));
        assertThat(exprs).hasSizeGreaterThan(20);
        for (String metric :
                List.of(
                        "signalstream_http_requests_seconds_bucket",
                        "signalstream_kafka_produce_seconds_bucket",
                        "signalstream_websocket_sessions",
                        "signalstream_view_lag",
                        "_agentCalls",
                        "_agentLatencyMs",
                        "_deadLettered",
                        "_duplicatesDropped",
                        "_conversationStateReads",
                        "_gemini_requests",
                        "_gemini_fallbacks",
                        "signalstream_pipeline_lag",
                        "signalstream_pipeline_stalled_seconds")) {
            assertThat(exprs).as(metric).anyMatch(e -> e.contains(metric));
        }
    }

    @Test
    void prometheusLoadsAlertRulesForAStalledPipeline() throws Exception {
        Object compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode services = new ObjectMapper().valueToTree(compose).get("services");
        Object scrape = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus.yml")));
        JsonNode ruleFiles = new ObjectMapper().valueToTree(scrape).get("rule_files");
        assertThat(ruleFiles).as("rule_files").isNotNull().hasSize(1);
        String inContainer = ruleFiles.get(0).asText();
        String mount = null;
        for (JsonNode volume : services.get("prometheus").get("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[1].equals(inContainer)) {
                mount = parts[0];
            }
        }
        assertThat(mount).as("the compose file mounts " + inContainer).isNotNull();

        Object rulesYaml = new Yaml().load(Files.readString(ROOT.resolve(mount)));
        JsonNode groups = new ObjectMapper().valueToTree(rulesYaml).get("groups");
        List<String> exprs = new ArrayList<>();
        groups.forEach(
                g ->
                        g.get("rules")
                                .forEach(
                                        r -> {
                                            assertThat(r.get("alert").asText()).isNotBlank();
                                            assertThat(r.at("/labels/severity").asText())
                                                    .isIn("warning", "critical");
                                            exprs.add(r.get("expr").asText());
                                        }));
        // The names the API exports (PipelineWatchITCase reads them from /metrics).
        assertThat(exprs)
                .anyMatch(e -> e.contains("signalstream_pipeline_stalled_seconds"))
                .anyMatch(e -> e.contains("signalstream_pipeline_lag"))
                .anyMatch(e -> e.contains("flink_jobmanager_job_numRestarts"));
    }

    private static List<String> ports(JsonNode service) {
        List<String> out = new ArrayList<>();
        service.path("ports").forEach(p -> out.add(p.asText()));
        return out;
    }

    private static String projectVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        int parent = pom.indexOf("<parent>");
        String section = pom.substring(parent, pom.indexOf("</parent>"));
        return section.substring(section.indexOf("<version>") + 9, section.indexOf("</version>"));
    }
}
