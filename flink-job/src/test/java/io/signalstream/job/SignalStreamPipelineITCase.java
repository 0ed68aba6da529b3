package io.signalstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.job.source.SourceRecord;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationState;
import io.signalstream.model.Intent;
import io.signalstream.model.SentimentLabel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole pipeline on a MiniCluster with a bounded input and collecting sinks. */
class SignalStreamPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static String json(
            String tenant, String conversation, String id, String sender, String text) {
        return """
                {"message_id":"%s","tenant_id":"%s","conversation_id":"%s","sender":"%s","message":"%s",
                 "channel":"chat","timestamp":"2026-01-15T10:00:00Z","metadata":{}}"""
                .formatted(id, tenant, conversation, sender, text);
    }

    @Test
    void interleavedConversationsDuplicatesAndPoisonRecords() throws Exception {
        // Given three interleaved conversations (one of another tenant), a duplicate and two poison
        // records
        List<String> input = new ArrayList<>();
        input.add(
                json(
                        "acme",
                        "c1",
                        "a1",
                        "customer",
                        "My package never arrived, I want a refund. I am very angry"));
        input.add(
                json(
                        "acme",
                        "c2",
                        "b1",
                        "customer",
                        "How do I reset my password? Mail me at bob@example.org"));
        input.add(
                json("acme", "c1", "a2", "agent", "Sorry to hear that, let me check the tracking"));
        input.add("this is not json");
        input.add(json("globex", "c1", "g1", "customer", "Thank you, great service!"));
        input.add(
                json(
                        "acme",
                        "c1",
                        "a1",
                        "customer",
                        "My package never arrived, I want a refund. I am very angry"));
        input.add(json("acme", "c2", "b2", "customer", "Still locked out, this is ridiculous"));
        input.add(json("acme", "c1", "a3", "customer", "Still no refund, this is terrible"));
        input.add(json("acme", "bad/id", "x1", "customer", "slash in the id"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataGeneratorSource<SourceRecord> source =
                new DataGeneratorSource<>(
                        index ->
                                new SourceRecord(
                                        "support.messages.raw",
                                        0,
                                        index,
                                        0,
                                        null,
                                        input.get(index.intValue())
                                                .getBytes(StandardCharsets.UTF_8)),
                        input.size(),
                        RateLimiterStrategy.noOp(),
                        TypeInformation.of(SourceRecord.class));
        CollectingSinks sinks = new CollectingSinks();

        // When the pipeline runs to the end of the input
        // A bounded input ends before processing-time timers fire: emit every aggregate at once.
        JobConfig config =
                JobConfig.from(
                        new String[] {
                            "--bootstrap-servers",
                            "unused:9092",
                            "--aggregate-emit-interval-ms",
                            "0"
                        },
                        Map.of());
        SignalStreamJob.defineWorkflow(env, source, sinks, config);
        env.executeAsync("pipeline test");
        CollectingSinks.Output out = sinks.drain();

        // Then every conversation counts its distinct messages exactly
        Map<String, Long> counts =
                latestBy(out.states(), ConversationState::key, ConversationState::messageCount);
        assertThat(counts)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("acme/c1", 3L, "acme/c2", 2L, "globex/c1", 1L));
        assertThat(out.states()).hasSize(6);

        // and the poison records went to the dead-letter topic with their reasons and offsets
        assertThat(out.deadLetters())
                .extracting(DeadLetter::sourceOffset)
                .containsExactlyInAnyOrder(3L, 8L);
        assertThat(out.deadLetters())
                .extracting(DeadLetter::stage)
                .containsExactlyInAnyOrder("parse", "validate");
        assertThat(out.deadLetters()).allSatisfy(d -> assertThat(d.reason()).isNotBlank());

        // and each message got four results; the reply agent answered the five customer messages
        // only
        Map<AgentKind, Long> perAgent =
                out.results().stream()
                        .collect(Collectors.groupingBy(AgentEvent::agent, Collectors.counting()));
        assertThat(perAgent)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                AgentKind.SENTIMENT,
                                6L,
                                AgentKind.PII,
                                6L,
                                AgentKind.INSIGHTS,
                                6L,
                                AgentKind.SUMMARY,
                                6L,
                                AgentKind.REPLY,
                                5L));

        // and the last aggregate of each conversation reflects all its messages from every agent
        Map<String, AggregatedIntelligence> finals =
                out.aggregates().stream()
                        .collect(
                                Collectors.toMap(
                                        AggregatedIntelligence::key,
                                        Function.identity(),
                                        (a, b) -> a.version() > b.version() ? a : b));
        assertThat(finals).containsOnlyKeys("acme/c1", "acme/c2", "globex/c1");
        AggregatedIntelligence c1 = finals.get("acme/c1");
        assertThat(c1.messageCount()).isEqualTo(3);
        assertThat(c1.agents())
                .containsOnlyKeys("sentiment", "pii", "insights", "summary", "reply");
        // The source runs at parallelism 2, so messages of one conversation may arrive in any order
        // (Kafka keeps them ordered within a partition; this bounded source does not). The agents
        // that answer every message therefore saw the third one last; the reply agent saw a
        // customer message last, which is the second or the third.
        for (String agent : List.of("sentiment", "pii", "insights", "summary")) {
            assertThat(c1.agents().get(agent).seq()).as(agent).isEqualTo(3);
        }
        assertThat(c1.agents().get("reply").seq()).isBetween(2L, 3L);
        assertThat(c1.sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
        assertThat(c1.insights().intent()).isEqualTo(Intent.REFUND_REQUEST);
        AggregatedIntelligence c2 = finals.get("acme/c2");
        assertThat(c2.pii().hasPii()).isTrue();
        assertThat(c2.summary().summary()).doesNotContain("bob@example.org");
        assertThat(finals.get("globex/c1").sentiment().sentiment())
                .isEqualTo(SentimentLabel.POSITIVE);

        // and versions rise strictly per conversation
        Map<String, List<Long>> versions =
                out.aggregates().stream()
                        .collect(
                                Collectors.groupingBy(
                                        AggregatedIntelligence::key,
                                        Collectors.mapping(
                                                AggregatedIntelligence::version,
                                                Collectors.toList())));
        versions.values()
                .forEach(
                        v ->
                                assertThat(v)
                                        .isSortedAccordingTo(Comparator.naturalOrder())
                                        .doesNotHaveDuplicates());
    }

    private static <T> Map<String, Long> latestBy(
            List<T> items, Function<T, String> key, Function<T, Long> value) {
        return items.stream().collect(Collectors.toMap(key, value, Math::max));
    }
}
