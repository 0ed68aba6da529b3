package io.signalstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
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
        assertThat(ports(services.get("jobmanager"))).contains("8081:8081");
        assertThat(ports(services.get("query-api"))).contains("8080:8080");
        assertThat(ports(services.get("kafka"))).contains("9092:9092");
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

        // Every product topic is created, the compacted ones compacted.
        String topics = services.get("kafka-topics").get("command").get(0).asText();
        for (String topic : io.signalstream.model.Topics.ALL) {
            assertThat(topics).contains(topic);
        }
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
