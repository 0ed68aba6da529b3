package io.signalstream.job.agents.gemini;

import static io.signalstream.job.Fixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.job.agents.local.LocalAgents;
import io.signalstream.job.agents.local.LocalContextFold;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.model.AgentKind;
import io.signalstream.model.Intent;
import io.signalstream.model.SentimentLabel;
import java.util.Collection;
import java.util.List;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.Test;

/** What a model call comes to: the model's parts, the local agents' instead, or a retry. */
class ModelAnswersTest {

    private static final String ANSWER =
            """
            {"sentiment":{"sentiment":"negative","score":-0.7,"confidence":0.9,"emotion":"angry","reasoning":"r"},
             "insights":{"intent":"cancellation","urgency":"high","suggested_actions":["Call back"],
                         "requires_escalation":true,"escalation_reason":"cancellation threat","topics":["contract"]},
             "summary":{"summary":"Wants to cancel.","key_points":["cancel"],"resolution_status":"open",
                         "satisfaction":{"csat":1.5,"confidence":0.7,"effort":"high"}},
             "reply":{"suggested_reply":"I understand."}}""";

    private final ModelAnswers answers =
            new ModelAnswers(new LocalAgents(20), new PiiDetector("US"), "gemini-test");

    private static Call call(AgentRequest.Kind kind) {
        ConversationContext context =
                new LocalContextFold()
                        .next(
                                null,
                                customer("c1", "m1", "I want a refund, this is terrible", 0),
                                1);
        AgentRequest request = new AgentRequest(kind, "acme", "c1", 1, null, context, List.of(), 0);
        Call call =
                new Call(
                        request,
                        new ResultFuture<>() {
                            @Override
                            public void complete(Collection<AgentResults> result) {}

                            @Override
                            public void completeExceptionally(Throwable error) {}

                            @Override
                            public void complete(CollectionSupplier<AgentResults> supplier) {}
                        },
                        2);
        call.requests = 2;
        call.inputTokens = 800;
        return call;
    }

    @Test
    void anAnswerGivesEveryAnalysisAgentItsPartFromTheModel() throws Exception {
        AgentResults r = answers.answered(call(AgentRequest.Kind.ANALYSIS), ANSWER);

        assertThat(r.sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
        assertThat(r.insights().intent()).isEqualTo(Intent.CANCELLATION);
        assertThat(r.runs())
                .extracting(AgentRun::agent)
                .containsExactly(
                        AgentKind.SENTIMENT,
                        AgentKind.INSIGHTS,
                        AgentKind.SUMMARY,
                        AgentKind.REPLY);
        assertThat(r.runs()).allSatisfy(run -> assertThat(run.provider()).isEqualTo("gemini"));
        assertThat(r.runs()).extracting(AgentRun::attempts).containsOnly(2);
        assertThat(r.usage().inputTokens()).isEqualTo(800);
        assertThat(r.deadLetter()).isNull();
        assertThat(r.retryable()).isFalse();
    }

    @Test
    void aSummaryCallAnswersTheSummaryOnly() throws Exception {
        AgentResults r =
                answers.answered(
                        call(AgentRequest.Kind.SUMMARY),
                        "{\"summary\":\"All sorted.\",\"key_points\":[],\"resolution_status\":\"resolved\","
                                + "\"satisfaction\":{\"csat\":4.6,\"confidence\":0.8,\"effort\":\"low\"}}");
        assertThat(r.runs()).extracting(AgentRun::agent).containsExactly(AgentKind.SUMMARY);
        assertThat(r.sentiment()).isNull();
    }

    @Test
    void anAnswerOutsideTheSchemaIsRefusedNotGuessed() {
        assertThatThrownBy(() -> answers.answered(call(AgentRequest.Kind.ANALYSIS), "{\"x\":1}"))
                .isInstanceOf(AnswerParser.InvalidAnswer.class);
    }

    @Test
    void aFallbackAnswersFromTheContextAndSaysWhy() {
        AgentResults r = answers.fallback(call(AgentRequest.Kind.ANALYSIS), "429 three times");

        assertThat(r.insights().intent()).isEqualTo(Intent.REFUND_REQUEST);
        assertThat(r.runs())
                .allSatisfy(
                        run -> {
                            assertThat(run.provider()).isEqualTo("local-fallback");
                            assertThat(run.error()).isEqualTo("429 three times");
                        });
        assertThat(r.usage().fallbackReason()).isEqualTo("429 three times");
        assertThat(r.deadLetter()).isEqualTo("429 three times");
        assertThat(r.retryable()).isFalse();
    }

    @Test
    void aFailedAttemptHasNoPartAndIsRetried() {
        AgentResults r = answers.failedAttempt(call(AgentRequest.Kind.ANALYSIS), "503");
        assertThat(r.retryable()).isTrue();
        assertThat(r.runs()).allSatisfy(run -> assertThat(run.answered()).isFalse());
    }
}
