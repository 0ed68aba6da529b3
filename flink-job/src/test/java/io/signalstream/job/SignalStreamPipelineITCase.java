package io.signalstream.job;

import static io.signalstream.job.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.config.JobConfig;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.rules.RuleBook;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.AgentResult;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Intent;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Topics;
import io.signalstream.model.TranscriptEntry;
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

    /** Runs the job over {@code input} (record values, in order) and returns what it wrote. */
    private static CollectingSinks.Output run(List<String> input, String... args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // The generator splits the input between two readers, so unlike Kafka (one partition per
        // conversation) it may deliver a conversation's messages out of order.
        DataGeneratorSource<SourceRecord> source =
                new DataGeneratorSource<>(
                        index ->
                                new SourceRecord(
                                        Topics.MESSAGES_RAW,
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
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", "unused:9092"));
        all.addAll(List.of(args));
        JobConfig config = JobConfig.from(all.toArray(String[]::new), Map.of());
        DataGeneratorSource<SourceRecord> noRules =
                new DataGeneratorSource<>(
                        index -> new SourceRecord(Topics.RULES, 0, index, 0, null, null),
                        0,
                        RateLimiterStrategy.noOp(),
                        TypeInformation.of(SourceRecord.class));
        SignalStreamJob.defineWorkflow(env, source, RuleBook.of(noRules), sinks, config);
        env.executeAsync("pipeline test");
        return sinks.drain();
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

        // When the pipeline runs to the end of the input
        CollectingSinks.Output out = run(input, "--agent-topics", "true");

        // Then each distinct message gave exactly one aggregate version, numbered by the message
        List<SinkRecord> aggregates = out.on(Topics.AI_AGGREGATED);
        assertThat(aggregates).hasSize(6);
        Map<String, List<String>> versions =
                aggregates.stream()
                        .collect(
                                Collectors.groupingBy(
                                        SinkRecord::keyText,
                                        Collectors.mapping(
                                                r -> r.header("version"), Collectors.toList())));
        assertThat(versions)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "acme/c1", List.of("1000", "2000", "3000"),
                                "acme/c2", List.of("1000", "2000"),
                                "globex/c1", List.of("1000")));

        // and the poison records went to the dead-letter topic with their reasons and offsets
        assertThat(out.rejected())
                .extracting(d -> d.header(Outputs.HEADER_OFFSET))
                .containsExactlyInAnyOrder("3", "8");
        assertThat(out.rejected())
                .extracting(d -> d.header(Outputs.HEADER_STAGE))
                .containsExactlyInAnyOrder("parse", "validate");

        // and each message wrote its transcript slot, redacted
        List<TranscriptEntry> transcript = out.read(Topics.TRANSCRIPT, TranscriptEntry.class);
        assertThat(transcript).hasSize(6);
        assertThat(out.on(Topics.TRANSCRIPT))
                .extracting(SinkRecord::keyText)
                .contains("acme/c1#0", "acme/c1#1", "acme/c1#2");
        assertThat(transcript).noneMatch(t -> t.message().contains("bob@example.org"));

        // and the agent topics got one result per agent per message, the reply per customer
        // message
        assertThat(out.read(Topics.AI_SENTIMENT, AgentResult.class)).hasSize(6);
        assertThat(out.read(Topics.AI_PII, AgentResult.class)).hasSize(6);
        assertThat(out.read(Topics.AI_REPLY, AgentResult.class)).hasSize(5);

        // and the last aggregate of each conversation reflects all its messages from every agent
        Map<String, AggregatedIntelligence> finals =
                out.read(Topics.AI_AGGREGATED, AggregatedIntelligence.class).stream()
                        .collect(
                                Collectors.toMap(
                                        AggregatedIntelligence::key,
                                        Function.identity(),
                                        (a, b) -> a.version() > b.version() ? a : b));
        AggregatedIntelligence c1 = finals.get("acme/c1");
        assertThat(c1.messageCount()).isEqualTo(3);
        assertThat(c1.agents())
                .containsOnlyKeys("sentiment", "pii", "insights", "summary", "reply");
        for (String agent : List.of("sentiment", "pii", "insights", "summary")) {
            assertThat(c1.agents().get(agent).seq()).as(agent).isEqualTo(3);
        }
        // the reply answers the newest customer message: the second or the third, by arrival
        assertThat(c1.agents().get("reply").seq()).isBetween(2L, 3L);
        assertThat(c1.sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
        assertThat(c1.insights().intent()).isEqualTo(Intent.REFUND_REQUEST);
        AggregatedIntelligence c2 = finals.get("acme/c2");
        assertThat(c2.pii().hasPii()).isTrue();
        assertThat(c2.summary().summary()).doesNotContain("bob@example.org");
        assertThat(finals.get("globex/c1").sentiment().sentiment())
                .isEqualTo(SentimentLabel.POSITIVE);
        assertThat(
                        out.read(Topics.AI_AGGREGATED, AggregatedIntelligence.class).stream()
                                .map(AggregatedIntelligence::version)
                                .sorted(Comparator.naturalOrder())
                                .toList())
                .doesNotContainNull();
    }

    @Test
    void eachTenantsMessagesAreCountedOnceInItsAnalyticsBuckets() throws Exception {
        // Given messages of two tenants written a minute ago (event time)
        String at = java.time.Instant.now().minusSeconds(60).toString();
        List<String> input = new ArrayList<>();
        for (String[] m :
                List.of(
                        new String[] {"acme", "c1", "a1", "customer", "My refund never came"},
                        new String[] {"acme", "c1", "a2", "agent", "Let me check that for you"},
                        new String[] {"acme", "c2", "b1", "customer", "I love this product"},
                        new String[] {"acme", "c1", "a1", "customer", "My refund never came"},
                        new String[] {"globex", "c1", "g1", "customer", "Where is my order?"})) {
            input.add(json(m[0], m[1], m[2], m[3], m[4]).replace("2026-01-15T10:00:00Z", at));
        }

        // When the pipeline runs to the end of the input
        CollectingSinks.Output out = run(input);

        // Then each tenant's day bucket, as last written, counts each distinct message once
        Map<String, JsonNode> latest = new java.util.HashMap<>();
        for (SinkRecord r : out.analytics()) {
            latest.put(r.keyText(), new ObjectMapper().readTree(r.value()));
        }
        String day =
                java.time.Instant.parse(at)
                        .truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                        .toString();
        JsonNode acme = latest.get("acme/day/" + day);
        assertThat(acme.path("messages").asLong()).isEqualTo(3);
        assertThat(acme.path("conversations_started").asLong()).isEqualTo(2);
        assertThat(acme.path("conversations_active").asLong()).isEqualTo(2);
        assertThat(acme.path("messages_by_sender").path("agent").asLong()).isEqualTo(1);
        assertThat(latest.get("globex/day/" + day).path("messages").asLong()).isEqualTo(1);
        assertThat(latest.keySet()).allMatch(k -> k.startsWith("acme/") || k.startsWith("globex/"));
    }

    @Test
    void aHostileConversationIsClippedAndProcessedAndNoRecordExceedsTheLimit() throws Exception {
        // Given eleven messages of 8,000 emoji each to one conversation, between two others
        String emoji = "\uD83D\uDE21".repeat(8_000);
        List<String> input = new ArrayList<>();
        input.add(json("acme", "calm", "k1", "customer", "Where is my order?"));
        for (int i = 1; i <= 11; i++) {
            input.add(json("hostile", "flood", "h" + i, "customer", emoji));
        }
        input.add(json("acme", "calm", "k2", "customer", "Thanks!"));

        // When the pipeline runs, with the record limit at its lowest
        CollectingSinks.Output out = run(input, "--max-record-bytes", "131072");

        // Then every message of every conversation was processed
        Map<String, Long> counts =
                out.read(Topics.AI_AGGREGATED, AggregatedIntelligence.class).stream()
                        .collect(
                                Collectors.toMap(
                                        AggregatedIntelligence::key,
                                        AggregatedIntelligence::messageCount,
                                        Math::max));
        assertThat(counts)
                .containsExactlyInAnyOrderEntriesOf(Map.of("hostile/flood", 11L, "acme/calm", 2L));
        // and no record is anywhere near the limit: one message at most, four bytes per emoji
        for (SinkRecord r : out.outputs()) {
            assertThat(r.size()).as(r.topic() + " " + r.keyText()).isLessThan(100_000);
            assertThat(r.topic()).isNotEqualTo(Topics.DLQ);
        }
        // and the aggregate shows a clipped text, marked as such
        AggregatedIntelligence flood =
                out.read(Topics.AI_AGGREGATED, AggregatedIntelligence.class).stream()
                        .filter(a -> a.key().equals("hostile/flood"))
                        .max(Comparator.comparingLong(AggregatedIntelligence::version))
                        .orElseThrow();
        assertThat(flood.pii().redactedMessage()).endsWith("more characters]");
        assertThat(out.rejected()).isEmpty();
    }
}
