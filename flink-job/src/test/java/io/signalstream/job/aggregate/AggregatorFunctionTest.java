package io.signalstream.job.aggregate;

import static io.signalstream.job.Fixtures.agent;
import static io.signalstream.job.Fixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AnalyticsEvent;
import io.signalstream.job.records.RuleInput;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.rules.RuleTenants;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.AgentResult;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.AuditEvent;
import io.signalstream.model.Json;
import io.signalstream.model.Sender;
import io.signalstream.model.Topics;
import io.signalstream.model.TranscriptEntry;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AggregatorFunctionTest {

    private final ObjectMapper mapper = Json.newMapper();
    private final Answers conversation = new Answers();
    private KeyedOneInputStreamOperatorTestHarness<String, AgentResults, SinkRecord> harness;

    private void open(boolean modelParts, boolean agentTopics) throws Exception {
        open(modelParts, agentTopics, true);
    }

    private void open(boolean modelParts, boolean agentTopics, boolean analytics) throws Exception {
        open(modelParts, agentTopics, analytics, RuleTenants.any());
    }

    private void open(boolean modelParts, boolean agentTopics, boolean analytics, RuleTenants rules)
            throws Exception {
        open(modelParts, agentTopics, analytics, rules, null);
    }

    private void open(
            boolean modelParts,
            boolean agentTopics,
            boolean analytics,
            RuleTenants rules,
            OperatorSubtaskState restored)
            throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new AggregatorFunction(
                                        Answers.SETTINGS,
                                        modelParts,
                                        agentTopics,
                                        analytics,
                                        rules,
                                        null)),
                        r -> r.request().key(),
                        Types.STRING);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private List<SinkRecord> written(String topic) {
        return harness.extractOutputValues().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Test
    void eachMessageWritesOneVersionWithHeadersAndOneTranscriptSlot() throws Exception {
        open(false, false);
        harness.processElement(
                conversation.local(customer("c1", "m1", "Where is my order?", 0)), 0);
        harness.processElement(conversation.local(agent("c1", "m2", "Let me check", 1)), 0);

        List<SinkRecord> aggregates = written(Topics.AI_AGGREGATED);
        assertThat(aggregates).extracting(r -> r.header("version")).containsExactly("1000", "2000");
        assertThat(aggregates).extracting(r -> r.header("message_count")).containsExactly("1", "2");
        AggregatedIntelligence last =
                mapper.readValue(aggregates.get(1).value(), AggregatedIntelligence.class);
        assertThat(last.key()).isEqualTo("acme/c1");
        assertThat(aggregates.get(1).keyText()).isEqualTo("acme/c1");

        List<SinkRecord> slots = written(Topics.TRANSCRIPT);
        assertThat(slots).extracting(SinkRecord::keyText).containsExactly("acme/c1#0", "acme/c1#1");
        TranscriptEntry entry = mapper.readValue(slots.get(1).value(), TranscriptEntry.class);
        assertThat(entry.seq()).isEqualTo(2);
        assertThat(entry.message()).isEqualTo("Let me check");
        assertThat(written(Topics.AI_SENTIMENT)).isEmpty();
        // the local provider keeps no state in the aggregator
        assertThat(harness.numKeyedStateEntries()).isZero();

        // the rules read each version as written, with the message that led to it
        List<RuleInput> forRules =
                harness.getSideOutput(AggregatorFunction.RULE_INPUTS).stream()
                        .map(r -> r.getValue())
                        .toList();
        assertThat(forRules).hasSize(2);
        assertThat(forRules.get(0).aggregate()).isEqualTo(aggregates.get(0).value());
        assertThat(forRules.get(0).sender()).isEqualTo(Sender.CUSTOMER);
        assertThat(forRules.get(0).text()).isEqualTo("Where is my order?");
        assertThat(forRules.get(0).version()).isEqualTo(1000);
        assertThat(forRules.get(1).sender()).isEqualTo(Sender.AGENT);
        assertThat(forRules.get(1).text()).isNull();
        assertThat(forRules).noneMatch(RuleInput::cleared);
    }

    @Test
    void analyticsEventsAreBuiltOnlyWhenAnalyticsAreOn() throws Exception {
        open(false, false, true);
        harness.processElement(conversation.local(customer("c1", "m1", "Hello", 0)), 0);
        harness.processElement(conversation.local(agent("c1", "m2", "Hi", 1)), 0);
        assertThat(harness.getSideOutput(AggregatorFunction.ANALYTICS)).hasSize(2);
        harness.close();

        open(false, false, false);
        harness.processElement(conversation.local(customer("c2", "m1", "Hello", 0)), 0);
        assertThat(harness.getSideOutput(AggregatorFunction.ANALYTICS)).isNullOrEmpty();
        assertThat(written(Topics.AI_AGGREGATED)).hasSize(1);
    }

    @Test
    void ruleInputsAreBuiltOnlyWhenRulesAreOn() throws Exception {
        open(false, false, false, null);
        harness.processElement(conversation.local(customer("c1", "m1", "Hello", 0)), 0);
        harness.processElement(conversation.local(agent("c1", "m2", "Hi", 1)), 0);
        harness.processElement(AgentResults.none(conversation.expire()), 0);
        assertThat(harness.getSideOutput(AggregatorFunction.RULE_INPUTS)).isNullOrEmpty();
        assertThat(written(Topics.AI_AGGREGATED)).hasSize(3); // two versions and the tombstone
    }

    @Test
    void onlyTheStepsOfATenantWithRulesGoToTheRulesAndEveryExpiry() throws Exception {
        open(false, false, false, RuleTenants.of(List.of("other")));
        harness.processElement(conversation.local(customer("c1", "m1", "Hello", 0)), 0);
        harness.processElement(conversation.local(agent("c1", "m2", "Hi", 1)), 0);
        assertThat(harness.getSideOutput(AggregatorFunction.RULE_INPUTS)).isNullOrEmpty();
        assertThat(written(Topics.AI_AGGREGATED)).hasSize(2);
        // the rule operator forgets a conversation it may have known before the tenant's last rule
        // went
        harness.processElement(AgentResults.none(conversation.expire()), 0);
        assertThat(harness.getSideOutput(AggregatorFunction.RULE_INPUTS))
                .extracting(r -> r.getValue().cleared())
                .containsExactly(true);
        harness.close();

        open(false, false, false, RuleTenants.of(List.of("acme")));
        harness.processElement(conversation.local(customer("c2", "m1", "Hello", 0)), 0);
        assertThat(harness.getSideOutput(AggregatorFunction.RULE_INPUTS))
                .extracting(r -> r.getValue().tenantId())
                .containsExactly("acme");
    }

    @Test
    void aConversationCountsOnceAsEscalatedAndOnceAsResolvedPerLife() throws Exception {
        open(false, false, true);
        harness.processElement(
                conversation.local(customer("c1", "m1", "I want to speak to your manager", 0)), 0);
        harness.processElement(
                conversation.local(customer("c1", "m2", "Get me a supervisor right now", 1)), 0);
        harness.processElement(conversation.local(agent("c1", "m3", "Done, all sorted", 2)), 0);
        harness.processElement(
                conversation.local(customer("c1", "m4", "Thanks, that fixed it", 3)), 0);
        List<AnalyticsEvent> events = analyticsEvents();
        assertThat(events).hasSize(4);
        assertThat(events)
                .extracting(AnalyticsEvent::escalation)
                .containsExactly(true, false, false, false);
        assertThat(events)
                .extracting(AnalyticsEvent::resolved)
                .containsExactly(false, false, true, false);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        // a new life of the conversation counts again
        harness.processElement(AgentResults.none(conversation.expire()), 0);
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.processElement(
                conversation.local(customer("c1", "m5", "Your manager, please", 4)), 0);
        assertThat(analyticsEvents()).last().extracting(AnalyticsEvent::escalation).isEqualTo(true);
    }

    @Test
    void aConversationCountsOnceAsHavingPersonalDataHoweverFewEntitiesItsAggregateLists()
            throws Exception {
        open(false, false, true);
        Answers narrow = new Answers(1); // a full list of one looks like a first find every time
        harness.processElement(narrow.local(customer("c1", "m1", "Mail a@example.org", 0)), 0);
        harness.processElement(narrow.local(customer("c1", "m2", "Or b@example.org", 1)), 0);
        harness.processElement(narrow.local(agent("c1", "m3", "Noted", 2)), 0);
        harness.processElement(narrow.local(customer("c1", "m4", "Or c@example.org", 3)), 0);
        assertThat(analyticsEvents())
                .extracting(AnalyticsEvent::piiFirst)
                .containsExactly(true, false, false, false);
    }

    @Test
    void whatWasCountedSurvivesARestoreThoughTheHeapForgetsIt() throws Exception {
        open(false, false, true);
        harness.processElement(
                conversation.local(customer("c1", "m1", "I want to speak to your manager", 0)), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        // a new instance (as after a failure) knows nothing on its heap: the state says counted
        open(false, false, true, RuleTenants.any(), snapshot);
        harness.processElement(
                conversation.local(customer("c1", "m2", "Get me a supervisor right now", 1)), 0);
        harness.processElement(conversation.local(customer("c1", "m3", "Your manager, now", 2)), 0);
        assertThat(analyticsEvents()).hasSize(2).noneMatch(AnalyticsEvent::escalation);
    }

    @Test
    void aModelsLaterAnswerThatResolvesTheConversationCountsNoMessage() throws Exception {
        open(true, false, true);
        harness.processElement(conversation.piiPart(customer("c1", "m1", "It still fails", 0)), 0);
        harness.processElement(conversation.resolvedBy(1), 0);
        harness.processElement(conversation.resolvedBy(1), 0);
        List<AnalyticsEvent> events = analyticsEvents();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).sender()).isEqualTo(Sender.CUSTOMER);
        assertThat(events.get(0).resolved()).isFalse();
        assertThat(events.get(1).sender()).isNull();
        assertThat(events.get(1).resolved()).isTrue();
        assertThat(events.get(1).atMs()).isEqualTo(events.get(0).atMs());
    }

    private List<AnalyticsEvent> analyticsEvents() {
        return harness.getSideOutput(AggregatorFunction.ANALYTICS).stream()
                .map(r -> r.getValue())
                .filter(e -> e.model() == null)
                .toList();
    }

    @Test
    void withAgentTopicsEachAgentsResultGoesToItsTopicTheReplyOnlyForCustomers() throws Exception {
        open(false, true);
        harness.processElement(
                conversation.local(customer("c1", "m1", "I was charged twice", 0)), 0);
        harness.processElement(conversation.local(agent("c1", "m2", "Checking", 1)), 0);

        assertThat(written(Topics.AI_SENTIMENT)).hasSize(2);
        assertThat(written(Topics.AI_PII)).hasSize(2);
        assertThat(written(Topics.AI_INSIGHTS)).hasSize(2);
        assertThat(written(Topics.AI_SUMMARY)).hasSize(2);
        assertThat(written(Topics.AI_REPLY)).hasSize(1);
        AgentResult reply =
                mapper.readValue(written(Topics.AI_REPLY).get(0).value(), AgentResult.class);
        assertThat(reply.seq()).isEqualTo(1);
        assertThat(reply.messageId()).isEqualTo("m1");
    }

    @Test
    void anExpiryRemovesTheAggregateAndEveryWrittenSlot() throws Exception {
        open(true, false);
        for (int i = 1; i <= 3; i++) {
            harness.processElement(conversation.piiPart(customer("c1", "m" + i, "hi " + i, i)), 0);
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.processElement(AgentResults.none(conversation.expire()), 0);

        List<SinkRecord> tombstones =
                harness.extractOutputValues().stream().filter(r -> r.value() == null).toList();
        assertThat(tombstones)
                .extracting(r -> r.topic() + " " + r.keyText())
                .containsExactly(
                        Topics.AI_AGGREGATED + " acme/c1",
                        Topics.TRANSCRIPT + " acme/c1#0",
                        Topics.TRANSCRIPT + " acme/c1#1",
                        Topics.TRANSCRIPT + " acme/c1#2");
        // The model's parts are gone; what stays is when, for a while (a TTL), so that a late
        // answer to a request from before cannot bring the conversation back.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.getSideOutput(AggregatorFunction.RULE_INPUTS))
                .extracting(r -> r.getValue().cleared())
                .endsWith(true);
        int written = harness.extractOutputValues().size();
        harness.processElement(conversation.modelAnswer(3, -0.8, "late"), 0);
        assertThat(harness.extractOutputValues()).hasSize(written);
    }

    @Test
    void anErasureRemovesEverythingAndRecordsThatItIsDone() throws Exception {
        open(false, false);
        for (int i = 1; i <= 2; i++) {
            harness.processElement(conversation.local(customer("c1", "m" + i, "hi " + i, i)), 0);
        }
        harness.processElement(AgentResults.none(conversation.erase("erasure-7", 5_000)), 0);

        List<SinkRecord> out = harness.extractOutputValues();
        assertThat(out.stream().filter(r -> r.value() == null))
                .extracting(r -> r.topic() + " " + r.keyText())
                .containsExactly(
                        Topics.AI_AGGREGATED + " acme/c1",
                        Topics.TRANSCRIPT + " acme/c1#0",
                        Topics.TRANSCRIPT + " acme/c1#1");
        AuditEvent done = mapper.readValue(written(Topics.AUDIT).get(0).value(), AuditEvent.class);
        assertThat(done.event()).isEqualTo(AuditEvent.ERASURE_DONE);
        assertThat(done.erasureId()).isEqualTo("erasure-7");
        assertThat(done.messages()).isEqualTo(2);
        assertThat(written(Topics.AUDIT).get(0).keyText()).isEqualTo("acme/c1");
    }

    @Test
    void aFallbackIsDeadLetteredWithTheRedactedRequest() throws Exception {
        open(false, false);
        AgentResults answer = conversation.local(customer("c1", "m1", "Mail bob@example.org", 0));
        AgentResults failed =
                new AgentResults(
                        answer.request(),
                        answer.sentiment(),
                        answer.pii(),
                        answer.insights(),
                        answer.summary(),
                        answer.reply(),
                        answer.runs(),
                        null,
                        "model timed out");
        harness.processElement(failed, 0);

        SinkRecord letter = written(Topics.DLQ).get(0);
        assertThat(letter.header(Outputs.HEADER_REASON)).isEqualTo("model timed out");
        assertThat(letter.header(Outputs.HEADER_STAGE)).isEqualTo("agents.message");
        assertThat(new String(letter.value())).contains("<EMAIL_ADDRESS>").doesNotContain("bob@");
        assertThat(written(Topics.AI_AGGREGATED)).hasSize(1);
    }
}
