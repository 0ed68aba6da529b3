package io.signalstream.job.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.records.AnalyticsEvent;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Topics;
import io.signalstream.model.Urgency;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.IntCountsHistogram;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The analytics on Flink's test harnesses: a subtask's combiner, then the tenant's buckets, with
 * event time out of order, late messages within and beyond the allowed lateness, and a restore.
 */
class AnalyticsTest {

    /** 2027-01-15T10:00:00Z: a whole day, hour and minute. */
    private static final long T =
            1_800_000_000_000L - 1_800_000_000_000L % 86_400_000L + 36_000_000L;

    private static final long MINUTE = 60_000;
    private final ObjectMapper mapper = Json.newMapper();

    private static AnalyticsEvent customer(
            String tenant, long at, boolean started, SentimentLabel label, double score) {
        return new AnalyticsEvent(
                tenant,
                at,
                Sender.CUSTOMER,
                started,
                started ? 0b111 : 0,
                label,
                score,
                Intent.BILLING,
                Urgency.HIGH,
                label == SentimentLabel.NEGATIVE,
                false,
                started,
                -1,
                -1,
                3.0,
                "en",
                null);
    }

    private static AnalyticsEvent agent(String tenant, long at, long firstResponse, long response) {
        return new AnalyticsEvent(
                tenant,
                at,
                Sender.AGENT,
                false,
                0,
                null,
                0,
                null,
                null,
                false,
                true,
                false,
                firstResponse,
                response,
                4.0,
                "en",
                null);
    }

    /** Runs the events through one combiner, flushed by its timer; returns its partials. */
    private static List<Tuple3<String, Long, byte[]>> combine(List<AnalyticsEvent> events)
            throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new AnalyticsCombiner())) {
            h.setup();
            h.open();
            h.setProcessingTime(0);
            for (AnalyticsEvent e : events) {
                h.processElement(new StreamRecord<>(e));
            }
            assertThat(h.extractOutputValues()).as("nothing before the flush").isEmpty();
            h.setProcessingTime(AnalyticsCombiner.FLUSH_MS);
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, Tuple3<String, Long, byte[]>, SinkRecord>
            tenants(OperatorSubtaskState restored, long now) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AnalyticsFunction()),
                        (Tuple3<String, Long, byte[]> t) -> t.f0,
                        Types.STRING);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        h.setProcessingTime(now);
        return h;
    }

    /** The newest JSON written per record key. */
    private Map<String, JsonNode> latest(List<SinkRecord> written) throws Exception {
        Map<String, JsonNode> latest = new HashMap<>();
        for (SinkRecord r : written) {
            assertThat(r.topic()).isEqualTo(Topics.ANALYTICS);
            latest.put(new String(r.key(), StandardCharsets.UTF_8), mapper.readTree(r.value()));
        }
        return latest;
    }

    @Test
    void aLaterAnswerThatEscalatesCountsTheConversationButNoMessage() throws Exception {
        List<Tuple3<String, Long, byte[]>> partials =
                combine(
                        List.of(
                                customer("acme", T + 1_000, true, SentimentLabel.NEUTRAL, 0),
                                AnalyticsEvent.turn("acme", T + 1_000, true, true)));
        try (var h = tenants(null, T + MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : partials) {
                h.processElement(new StreamRecord<>(p));
            }
            JsonNode m0 =
                    latest(h.extractOutputValues())
                            .get("acme/minute/" + java.time.Instant.ofEpochMilli(T));
            assertThat(m0.path("messages").asLong()).isEqualTo(1);
            assertThat(m0.path("messages_by_sender").path("customer").asLong()).isEqualTo(1);
            assertThat(m0.path("escalations").asLong()).isEqualTo(1);
            assertThat(m0.path("conversations_resolved").asLong()).isEqualTo(1);
            assertThat(m0.path("escalation_rate").asDouble()).isEqualTo(1.0);
        }
    }

    @Test
    void messagesOutOfOrderLandInTheirOwnMinuteHourAndDay() throws Exception {
        List<AnalyticsEvent> events =
                List.of(
                        customer("acme", T + MINUTE + 5_000, true, SentimentLabel.NEGATIVE, -0.6),
                        customer("acme", T + 10_000, true, SentimentLabel.POSITIVE, 0.8),
                        agent("acme", T + 50_000, 40_000, 40_000),
                        agent("acme", T + MINUTE + 50_000, 120_000, 120_000),
                        customer("zeta", T + 1_000, true, SentimentLabel.NEUTRAL, 0));
        List<Tuple3<String, Long, byte[]>> partials = combine(events);
        // acme: 2 minutes + 1 hour + 1 day; zeta: 1 + 1 + 1
        assertThat(partials).hasSize(7);

        try (var h = tenants(null, T + 3 * MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : partials) {
                h.processElement(new StreamRecord<>(p));
            }
            Map<String, JsonNode> buckets = latest(h.extractOutputValues());
            String minute0 = "acme/minute/" + java.time.Instant.ofEpochMilli(T);
            String hour = "acme/hour/" + java.time.Instant.ofEpochMilli(T);
            assertThat(buckets).containsKeys(minute0, hour, "zeta/day/2027-01-15T00:00:00Z");

            JsonNode m0 = buckets.get(minute0);
            assertThat(m0.path("messages").asLong()).isEqualTo(2);
            assertThat(m0.path("conversations_started").asLong()).isEqualTo(1);
            assertThat(m0.path("messages_by_sender").path("agent").asLong()).isEqualTo(1);
            assertThat(m0.path("sentiment").path("positive").asLong()).isEqualTo(1);

            JsonNode h0 = buckets.get(hour);
            assertThat(h0.path("granularity").asText()).isEqualTo("hour");
            assertThat(h0.path("messages").asLong()).isEqualTo(4);
            assertThat(h0.path("conversations_started").asLong()).isEqualTo(2);
            assertThat(h0.path("conversations_active").asLong()).isEqualTo(2);
            assertThat(h0.path("conversations_resolved").asLong()).isEqualTo(2);
            assertThat(h0.path("sentiment_mean").asDouble()).isEqualTo(0.1);
            assertThat(h0.path("intents").path("billing").asLong()).isEqualTo(2);
            assertThat(h0.path("urgency").path("high").asLong()).isEqualTo(2);
            assertThat(h0.path("escalations").asLong()).isEqualTo(1);
            assertThat(h0.path("escalation_rate").asDouble()).isEqualTo(0.5);
            assertThat(h0.path("conversations_with_pii").asLong()).isEqualTo(2);
            assertThat(h0.path("predicted_csat_mean").asDouble()).isEqualTo(3.5);
            assertThat(h0.path("languages").path("en").asLong()).isEqualTo(4);
            IntCountsHistogram expected = new IntCountsHistogram(7 * 86_400_000L, 2);
            expected.recordValue(40_000);
            expected.recordValue(120_000);
            JsonNode first = h0.path("first_response_ms");
            assertThat(first.path("count").asLong()).isEqualTo(2);
            assertThat(first.path("p50").asLong()).isEqualTo(expected.getValueAtPercentile(50));
            assertThat(first.path("p99").asLong()).isEqualTo(expected.getValueAtPercentile(99));
            assertThat(first.path("p99").asLong()).isBetween(119_000L, 121_000L);
        }
    }

    @Test
    void modelCallsCountTheirTokensAndNoMessage() throws Exception {
        List<AnalyticsEvent> events =
                List.of(
                        customer("acme", T + 1_000, true, SentimentLabel.NEUTRAL, 0),
                        AnalyticsEvent.modelUse(
                                "acme", T + 2_000, new AnalyticsEvent.ModelUse(2, 800, 150, false)),
                        AnalyticsEvent.modelUse(
                                "acme", T + 3_000, new AnalyticsEvent.ModelUse(1, 700, 100, false)),
                        AnalyticsEvent.modelUse(
                                "acme", T + 4_000, new AnalyticsEvent.ModelUse(0, 0, 0, true)));
        try (var h = tenants(null, T + MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : combine(events)) {
                h.processElement(new StreamRecord<>(p));
            }
            JsonNode day =
                    latest(h.extractOutputValues())
                            .get("acme/day/" + java.time.Instant.ofEpochMilli(T - T % 86_400_000L));
            assertThat(day.path("messages").asLong()).isEqualTo(1);
            assertThat(day.path("messages_by_sender").path("customer").asLong()).isEqualTo(1);
            JsonNode model = day.path("model");
            assertThat(model.path("calls").asLong()).isEqualTo(2);
            assertThat(model.path("requests").asLong()).isEqualTo(3);
            assertThat(model.path("input_tokens").asLong()).isEqualTo(1_500);
            assertThat(model.path("output_tokens").asLong()).isEqualTo(250);
            assertThat(model.path("over_budget").asLong()).isEqualTo(1);
        }
    }

    @Test
    void partialsOfTwoSubtasksMergeAndABucketOutlivesARestoreUntilItsLatenessPasses()
            throws Exception {
        List<Tuple3<String, Long, byte[]>> a =
                combine(List.of(customer("acme", T, true, SentimentLabel.NEGATIVE, -1)));
        List<Tuple3<String, Long, byte[]>> b =
                combine(List.of(customer("acme", T + 30_000, true, SentimentLabel.NEGATIVE, -0.5)));
        OperatorSubtaskState snapshot;
        try (var h = tenants(null, T + MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : a) {
                h.processElement(new StreamRecord<>(p));
            }
            snapshot = h.snapshot(1, T + MINUTE);
        }
        String minute = "acme/minute/" + java.time.Instant.ofEpochMilli(T);
        try (var h = tenants(snapshot, T + 2 * MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : b) {
                h.processElement(new StreamRecord<>(p));
            }
            JsonNode merged = latest(h.extractOutputValues()).get(minute);
            assertThat(merged.path("messages").asLong()).isEqualTo(2);
            assertThat(merged.path("sentiment").path("negative").asLong()).isEqualTo(2);
            assertThat(merged.path("sentiment_mean").asDouble()).isEqualTo(-0.75);
        }
        // Three hours later the minute is closed (lateness 2 h): a late message still counts in
        // its hour and day, never in the minute.
        try (var h = tenants(snapshot, T + 3 * 60 * MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : b) {
                h.processElement(new StreamRecord<>(p));
            }
            Map<String, JsonNode> written = latest(h.extractOutputValues());
            assertThat(written).doesNotContainKey(minute);
            assertThat(
                            written.get("acme/hour/" + java.time.Instant.ofEpochMilli(T))
                                    .path("messages")
                                    .asLong())
                    .isEqualTo(2);
        }
    }

    @Test
    void eventsAfterAFlushAndOfTenantsInTurnsAreEachCountedOnce() throws Exception {
        List<Tuple3<String, Long, byte[]>> partials = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<>(new AnalyticsCombiner())) {
            h.setup();
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(agent("acme", T + 1_000, -1, 5_000)));
            h.setProcessingTime(AnalyticsCombiner.FLUSH_MS);
            assertThat(h.extractOutputValues()).as("minute, hour and day").hasSize(3);
            // the same tenant and minute again, after its partials went out; then tenants in turns
            h.processElement(new StreamRecord<>(agent("acme", T + 2_000, -1, 5_000)));
            h.processElement(new StreamRecord<>(agent("zeta", T + 2_000, -1, 5_000)));
            h.processElement(new StreamRecord<>(agent("acme", T + 3_000, -1, 5_000)));
            h.processElement(new StreamRecord<>(agent("zeta", T + MINUTE, -1, 5_000)));
            h.setProcessingTime(2 * AnalyticsCombiner.FLUSH_MS);
            partials.addAll(h.extractOutputValues());
        }
        assertThat(partials).hasSize(3 + 3 + 4);
        try (var h = tenants(null, T + 3 * MINUTE)) {
            for (Tuple3<String, Long, byte[]> p : partials) {
                h.processElement(new StreamRecord<>(p));
            }
            Map<String, JsonNode> buckets = latest(h.extractOutputValues());
            java.time.Instant t = java.time.Instant.ofEpochMilli(T);
            assertThat(buckets.get("acme/minute/" + t).path("messages").asLong()).isEqualTo(3);
            assertThat(buckets.get("acme/hour/" + t).path("messages").asLong()).isEqualTo(3);
            assertThat(buckets.get("zeta/minute/" + t).path("messages").asLong()).isEqualTo(1);
            assertThat(buckets.get("zeta/hour/" + t).path("messages").asLong()).isEqualTo(2);
            assertThat(buckets.get("zeta/hour/" + t).path("response_ms").path("count").asLong())
                    .isEqualTo(2);
        }
    }

    @Test
    void theCombinerHandsOverEverythingBeforeACheckpointBarrier() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new AnalyticsCombiner())) {
            h.setup();
            h.open();
            h.setProcessingTime(0);
            h.processElement(
                    new StreamRecord<>(customer("acme", T, true, SentimentLabel.POSITIVE, 1)));
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).hasSize(Granularity.values().length);
            h.snapshot(1, 0);
            h.setProcessingTime(AnalyticsCombiner.FLUSH_MS);
            assertThat(h.extractOutputValues()).as("nothing twice").hasSize(3);
        }
    }
}
