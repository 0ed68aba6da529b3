package io.signalstream.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.records.RuleInput;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.model.Json;
import io.signalstream.model.Sender;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rule operator on Flink's test harness: broadcast rules, keyed state, timers, restore. */
class RuleFunctionTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;
    private final ObjectMapper mapper = Json.newMapper();
    private KeyedBroadcastOperatorTestHarness<String, RuleInput, SourceRecord, SinkRecord> harness;

    private static KeyedBroadcastOperatorTestHarness<String, RuleInput, SourceRecord, SinkRecord>
            harness(OperatorSubtaskState restored) throws Exception {
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new RuleFunction(), List.of(RuleFunction.RULES)),
                        RuleInput::key,
                        Types.STRING,
                        1,
                        1,
                        0);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        h.setProcessingTime(T0);
        return h;
    }

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static SourceRecord rule(String tenant, String id, String updatedAt, String body) {
        String json =
                body == null
                        ? null
                        : "{\"id\": \"%s\", \"tenant_id\": \"%s\", \"updated_at\": \"%s\", %s}"
                                .formatted(id, tenant, updatedAt, body);
        return new SourceRecord(
                Topics.RULES,
                0,
                0,
                0,
                (tenant + "/" + id).getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private static final String NEGATIVE =
            """
            "name": "Angry", "cooldown": "PT10M", "severity": "high",
            "when": {"all": [{"field": "sentiment.score", "op": "lte", "value": -0.5}]},
            "actions": [{"type": "webhook", "webhook": "ops"}]""";

    private static final String WAITING =
            """
            "name": "Waiting", "cooldown": "PT1H", "severity": "medium",
            "when": {"all": [{"waiting": "PT5M"}]}, "actions": [{"type": "alert"}]""";

    private static RuleInput message(
            String tenant, String conversation, long seq, Sender sender, double score, long atMs) {
        String aggregate =
                """
                {"tenant_id": "%s", "conversation_id": "%s", "version": %d, "epoch": 7,
                 "message_count": %d, "sentiment": {"sentiment": "negative", "score": %s}}"""
                        .formatted(tenant, conversation, seq * 1000, seq, score);
        return new RuleInput(
                tenant + "/" + conversation,
                tenant,
                conversation,
                false,
                aggregate.getBytes(StandardCharsets.UTF_8),
                7,
                seq * 1000,
                sender,
                atMs,
                seq,
                sender == Sender.CUSTOMER ? "message " + seq : null);
    }

    private List<JsonNode> alerts() throws Exception {
        List<JsonNode> alerts = new java.util.ArrayList<>();
        for (SinkRecord r : harness.extractOutputValues()) {
            assertThat(r.topic()).isEqualTo(Topics.ALERTS);
            JsonNode alert = mapper.readTree(r.value());
            assertThat(r.header(RuleFunction.HEADER_ALERT_ID)).isEqualTo(alert.get("id").asText());
            assertThat(r.keyText())
                    .isEqualTo(
                            alert.get("tenant_id").asText()
                                    + "/"
                                    + alert.get("conversation_id").asText());
            alerts.add(alert);
        }
        return alerts;
    }

    @Test
    void aMatchingVersionRaisesOneAlertOnlyForItsTenant() throws Exception {
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.2, T0), 0);
        harness.processElement(message("globex", "c1", 1, Sender.CUSTOMER, -0.9, T0), 0);
        assertThat(alerts()).isEmpty();

        harness.processElement(message("acme", "c1", 2, Sender.CUSTOMER, -0.8, T0 + 1000), 0);
        List<JsonNode> alerts = alerts();
        assertThat(alerts).hasSize(1);
        JsonNode alert = alerts.get(0);
        assertThat(alert.get("rule_id").asText()).isEqualTo("angry");
        assertThat(alert.get("rule_name").asText()).isEqualTo("Angry");
        assertThat(alert.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(alert.get("conversation_id").asText()).isEqualTo("c1");
        assertThat(alert.get("severity").asText()).isEqualTo("high");
        assertThat(alert.get("aggregate_version").asLong()).isEqualTo(2000);
        assertThat(alert.get("epoch").asLong()).isEqualTo(7);
        assertThat(alert.get("trigger").asText()).isEqualTo("message");
        assertThat(alert.get("backfill").asBoolean()).isFalse();
        assertThat(alert.get("webhooks")).hasSize(1);
        assertThat(alert.get("triggered_at").asText())
                .isEqualTo(java.time.Instant.ofEpochMilli(T0 + 1000).toString());
        assertThat(alert.get("id").asText()).hasSize(32);
    }

    @Test
    void theCooldownHoldsPerRuleAndConversationInTheTriggersTime() throws Exception {
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.8, T0), 0);
        harness.processElement(message("acme", "c1", 2, Sender.CUSTOMER, -0.8, T0 + 9 * MINUTE), 0);
        harness.processElement(message("acme", "c2", 1, Sender.CUSTOMER, -0.8, T0 + 9 * MINUTE), 0);
        harness.processElement(
                message("acme", "c1", 3, Sender.CUSTOMER, -0.8, T0 + 10 * MINUTE), 0);
        assertThat(alerts())
                .extracting(
                        a -> a.get("conversation_id").asText() + "@" + a.get("aggregate_version"))
                .containsExactly("c1@1000", "c2@1000", "c1@3000");
    }

    @Test
    void aChangedRuleAppliesToTheNextEventAndADeletedOneNoLonger() throws Exception {
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.3, T0), 0);
        assertThat(alerts()).isEmpty();

        harness.processBroadcastElement(
                rule("acme", "angry", "2026-12-01T01:00:00Z", NEGATIVE.replace("-0.5", "-0.2")), 0);
        harness.processElement(message("acme", "c1", 2, Sender.CUSTOMER, -0.3, T0 + 1000), 0);
        assertThat(alerts()).hasSize(1);

        harness.processBroadcastElement(rule("acme", "angry", "x", null), 0);
        harness.processElement(message("acme", "c2", 1, Sender.CUSTOMER, -0.9, T0 + 2000), 0);
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void aRuleRecordThatCannotBeReadIsSkippedAndTheRestKeepWorking() throws Exception {
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processBroadcastElement(
                new SourceRecord(Topics.RULES, 0, 1, 0, "no-slash".getBytes(), "{}".getBytes()), 0);
        harness.processBroadcastElement(
                new SourceRecord(
                        Topics.RULES, 0, 2, 0, "acme/bad".getBytes(), "not json".getBytes()),
                0);
        // an invalid replacement leaves the valid rule in place
        harness.processBroadcastElement(
                rule("acme", "angry", "2026-12-01T02:00:00Z", "\"name\": \"x\""), 0);
        // a rule whose body names another tenant than its key
        harness.processBroadcastElement(
                new SourceRecord(
                        Topics.RULES,
                        0,
                        3,
                        0,
                        "acme/other".getBytes(),
                        rule("globex", "other", "2026-12-01T00:00:00Z", NEGATIVE).value()),
                0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.9, T0), 0);
        assertThat(alerts()).extracting(a -> a.get("rule_id").asText()).containsExactly("angry");
    }

    @Test
    void aWaitingCustomerRaisesAnAlertWithNoNewMessage() throws Exception {
        harness.processBroadcastElement(rule("acme", "wait", "2026-12-01T00:00:00Z", WAITING), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, 0, T0), 0);
        harness.processElement(message("acme", "c2", 1, Sender.CUSTOMER, 0, T0), 0);
        // c2 is answered in time
        harness.processElement(message("acme", "c2", 2, Sender.AGENT, 0, T0 + 4 * MINUTE), 0);
        harness.setProcessingTime(T0 + 5 * MINUTE - 1);
        assertThat(alerts()).isEmpty();

        harness.setProcessingTime(T0 + 5 * MINUTE);
        List<JsonNode> alerts = alerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("conversation_id").asText()).isEqualTo("c1");
        assertThat(alerts.get(0).get("trigger").asText()).isEqualTo("waiting");
        assertThat(alerts.get(0).get("triggered_at").asText())
                .isEqualTo(java.time.Instant.ofEpochMilli(T0 + 5 * MINUTE).toString());
        // one timer per conversation, gone once fired
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aNewCustomerMessageRestartsTheWait() throws Exception {
        harness.processBroadcastElement(rule("acme", "wait", "2026-12-01T00:00:00Z", WAITING), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, 0, T0), 0);
        harness.setProcessingTime(T0 + 3 * MINUTE);
        harness.processElement(message("acme", "c1", 2, Sender.CUSTOMER, 0, T0 + 3 * MINUTE), 0);
        harness.setProcessingTime(T0 + 5 * MINUTE);
        assertThat(alerts()).isEmpty();
        harness.setProcessingTime(T0 + 8 * MINUTE);
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void aSnapshotKeepsTheRulesTheCooldownsAndTheTimers() throws Exception {
        harness.processBroadcastElement(rule("acme", "wait", "2026-12-01T00:00:00Z", WAITING), 0);
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.9, T0), 0);
        assertThat(alerts()).hasSize(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, T0);
        List<JsonNode> before = alerts();
        harness.close();

        harness = harness(snapshot);
        // the cooldown survived: no second "angry" alert within ten minutes
        harness.processElement(message("acme", "c1", 2, Sender.CUSTOMER, -0.9, T0 + MINUTE), 0);
        assertThat(alerts()).isEmpty();
        // the wait restarted at the second message survived as a timer and fires
        harness.setProcessingTime(T0 + 6 * MINUTE);
        assertThat(alerts()).extracting(a -> a.get("rule_id").asText()).containsExactly("wait");
        // the rules survived: a new conversation still raises "angry"
        harness.processElement(message("acme", "c9", 1, Sender.AGENT, -0.9, T0 + 7 * MINUTE), 0);
        assertThat(alerts())
                .extracting(a -> a.get("rule_id").asText())
                .containsExactly("wait", "angry");
        assertThat(before).hasSize(1);
    }

    @Test
    void aReplayRaisesTheSameIds() throws Exception {
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.9, T0), 0);
        String first = alerts().get(0).get("id").asText();
        harness.close();

        harness = harness(null);
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, -0.9, T0 + 5000), 0);
        assertThat(alerts().get(0).get("id").asText()).isEqualTo(first);

        // the rule written again is another rule: its alerts are new
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-02T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c2", 1, Sender.CUSTOMER, -0.9, T0), 0);
        assertThat(alerts().get(1).get("id").asText()).isNotEqualTo(first);
    }

    @Test
    void anExpiredConversationIsForgotten() throws Exception {
        harness.processBroadcastElement(rule("acme", "wait", "2026-12-01T00:00:00Z", WAITING), 0);
        harness.processElement(message("acme", "c1", 1, Sender.CUSTOMER, 0, T0), 0);
        harness.processBroadcastElement(rule("acme", "angry", "2026-12-01T00:00:00Z", NEGATIVE), 0);
        harness.processElement(message("acme", "c1", 2, Sender.CUSTOMER, -0.9, T0), 0);
        assertThat(alerts()).hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.processElement(
                new RuleInput("acme/c1", "acme", "c1", true, null, 7, 0, null, T0, 1, null), 0);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.setProcessingTime(T0 + Duration.ofHours(1).toMillis());
        assertThat(alerts()).hasSize(1);
        // the cooldown went with it: the next life alerts at once
        harness.processElement(message("acme", "c1", 1, Sender.AGENT, -0.9, T0 + MINUTE), 0);
        assertThat(alerts()).hasSize(2);
    }

    @Test
    void aWaitThatEndedLongAgoIsHistoryNotAnAlert() throws Exception {
        harness.processBroadcastElement(rule("acme", "wait", "2026-12-01T00:00:00Z", WAITING), 0);
        harness.processElement(
                message("acme", "c1", 1, Sender.CUSTOMER, 0, T0 - Duration.ofDays(2).toMillis()),
                0);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        // a wait that just passed (a short outage) still fires
        harness.processElement(message("acme", "c2", 1, Sender.CUSTOMER, 0, T0 - 6 * MINUTE), 0);
        harness.setProcessingTime(T0 + 1);
        assertThat(alerts())
                .extracting(a -> a.get("conversation_id").asText())
                .containsExactly("c2");
    }
}
