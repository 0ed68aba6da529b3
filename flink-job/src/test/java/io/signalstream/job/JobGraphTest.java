package io.signalstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.config.JobConfig;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.rules.RuleBook;
import io.signalstream.job.sink.KafkaSinks;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.io.network.partition.ResultPartitionType;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job's shape: one network exchange per message. The source, the parse stage and its dead
 * letters form one chain; the conversation operator, the agents, the aggregator and the sink form
 * the other, behind the only {@code keyBy}; the rules take the aggregator's side output forward.
 * Fails as soon as an operator breaks a chain.
 */
class JobGraphTest {

    /** The job graph {@code defineWorkflow} builds with {@code args}, at parallelism 2. */
    private static JobGraph graph(String... args) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobConfig config = JobConfig.from(args, Map.of("GEMINI_API_KEY", "test-key"));
        DataGeneratorSource<SourceRecord> source =
                new DataGeneratorSource<>(
                        i -> new SourceRecord("t", 0, i, 0, null, null),
                        1,
                        RateLimiterStrategy.noOp(),
                        TypeInformation.of(SourceRecord.class));
        SignalStreamJob.defineWorkflow(
                env,
                source,
                RuleBook.of(source),
                new KafkaSinks(config.kafka(), config.output()),
                config);
        return env.getStreamGraph().getJobGraph();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "gemini"})
    void oneShuffleAndTwoChains(String provider) {
        JobGraph graph = graph("--bootstrap-servers", "unused:9092", "--ai-provider", provider);

        Map<String, JobVertex> vertices = new java.util.HashMap<>();
        for (JobVertex v : graph.getVertices()) {
            vertices.put(
                    v.getName().contains("parse")
                            ? "parse"
                            : v.getName().contains("conversation")
                                    ? "data path"
                                    : v.getName().contains("rules (")
                                                    || v.getName().startsWith("rules")
                                            ? "rules"
                                            : v.getName().startsWith("analytics")
                                                    ? "analytics"
                                                    : "rule source",
                    v);
        }
        assertThat(vertices).hasSize(5);
        assertThat(vertices.get("parse").getName())
                .contains("support.messages.raw", "parse, validate, redact", "sink support.dlq");
        JobVertex dataPath = vertices.get("data path");
        assertThat(dataPath.getName())
                .contains("conversation", "agents (" + provider + ")", "aggregate", "sink outputs");
        List<JobEdge> inputs = dataPath.getInputs();
        assertThat(inputs).hasSize(1);
        assertThat(inputs.get(0).getSource().getResultType())
                .isEqualTo(ResultPartitionType.PIPELINED_BOUNDED);
        assertThat(inputs.get(0).getShipStrategyName()).isEqualToIgnoringCase("hash");

        // The rules: fed forward by the aggregator (no shuffle) and by the broadcast rule book.
        JobVertex rules = vertices.get("rules");
        assertThat(rules.getName()).contains("rules", "sink support.alerts");
        assertThat(rules.getInputs())
                .extracting(JobEdge::getShipStrategyName)
                .map(String::toLowerCase)
                .containsExactlyInAnyOrder("forward", "broadcast");
        assertThat(vertices.get("rule source").getName()).contains("support.rules");

        // Analytics: the partial buckets are combined in the data path's chain, then keyed by
        // tenant.
        assertThat(dataPath.getName()).contains("combine analytics");
        JobVertex analytics = vertices.get("analytics");
        assertThat(analytics.getName()).contains("analytics", "sink support.analytics");
        assertThat(analytics.getInputs())
                .extracting(JobEdge::getShipStrategyName)
                .map(String::toLowerCase)
                .containsExactly("hash");
    }

    @org.junit.jupiter.api.Test
    void withoutRulesTheDataPathFeedsNoRuleOperator() {
        JobGraph graph = graph("--bootstrap-servers", "unused:9092", "--rules", "false");

        assertThat(graph.getVertices())
                .extracting(JobVertex::getName)
                .hasSize(3)
                .noneMatch(name -> name.contains("rules") || name.contains("alerts"));
    }
}
