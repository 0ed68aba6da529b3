package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerParserTest {

    private static final String GOOD =
            """
            {"sentiment":{"sentiment":"negative","score":-0.7,"confidence":0.9,"emotion":"angry","reasoning":"threatens to leave"},
             "insights":{"intent":"cancellation","urgency":"high","suggested_actions":["Offer a retention call",""],
                         "requires_escalation":true,"escalation_reason":"cancellation threat","topics":["contract"]},
             "summary":{"summary":"Customer wants to cancel.","key_points":["cancel"],"resolution_status":"open",
                         "satisfaction":{"csat":1.5,"confidence":0.7,"effort":"high"}},
             "reply":{"suggested_reply":"I understand, let me see what I can do."}}""";

    private final AnswerParser parser = new AnswerParser();

    @Test
    void readsAValidAnalysisIntoTheAgentsResults() throws Exception {
        Map<AgentKind, AgentOutput> results = parser.parse(GOOD, ModelAnswers.ANALYSIS_AGENTS);

        assertThat(results.get(AgentKind.SENTIMENT))
                .isEqualTo(
                        new SentimentResult(
                                SentimentLabel.NEGATIVE,
                                -0.7,
                                0.9,
                                Emotion.ANGRY,
                                "threatens to leave"));
        InsightsResult insights = (InsightsResult) results.get(AgentKind.INSIGHTS);
        assertThat(insights.intent()).isEqualTo(Intent.CANCELLATION);
        assertThat(insights.urgency()).isEqualTo(Urgency.HIGH);
        assertThat(insights.suggestedActions()).containsExactly("Offer a retention call");
        assertThat(insights.escalationReason()).isEqualTo("cancellation threat");
        assertThat(((SummaryResult) results.get(AgentKind.SUMMARY)).summary())
                .isEqualTo("Customer wants to cancel.");
        assertThat(((ReplyResult) results.get(AgentKind.REPLY)).suggestedReply())
                .startsWith("I understand");
    }

    @Test
    void aSummaryOnlyAnswerIsTheSummaryObjectItself() throws Exception {
        Map<AgentKind, AgentOutput> results =
                parser.parse(
                        "{\"summary\":\"All sorted.\",\"key_points\":[],\"resolution_status\":\"resolved\","
                                + "\"satisfaction\":{\"csat\":4.6,\"confidence\":0.8,\"effort\":\"low\"}}",
                        ModelAnswers.SUMMARY_AGENTS);
        assertThat(results).containsOnlyKeys(AgentKind.SUMMARY);
        assertThat(((SummaryResult) results.get(AgentKind.SUMMARY)).satisfaction())
                .isEqualTo(new SummaryResult.Satisfaction(4.6, 0.8, "low"));
    }

    @Test
    void aSummaryMustCarryAValidSatisfactionEstimate() {
        String summary =
                "{\"summary\":\"All sorted.\",\"key_points\":[],\"resolution_status\":\"resolved\"";
        assertThatThrownBy(() -> parser.parse(summary + "}", ModelAnswers.SUMMARY_AGENTS))
                .hasMessageContaining("satisfaction");
        assertThatThrownBy(
                        () ->
                                parser.parse(
                                        summary
                                                + ",\"satisfaction\":{\"csat\":7,\"confidence\":0.5,"
                                                + "\"effort\":\"low\"}}",
                                        ModelAnswers.SUMMARY_AGENTS))
                .hasMessageContaining("satisfaction.csat 7.0 is outside");
        assertThatThrownBy(
                        () ->
                                parser.parse(
                                        summary
                                                + ",\"satisfaction\":{\"csat\":3,\"confidence\":0.5,"
                                                + "\"effort\":\"huge\"}}",
                                        ModelAnswers.SUMMARY_AGENTS))
                .hasMessageContaining("satisfaction.effort 'huge' is not allowed");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"score\":-0.7            | \"score\":5           | sentiment.score 5.0 is outside",
                "\"intent\":\"cancellation\" | \"intent\":\"banana\" | insights.intent 'banana' is not allowed",
                "\"confidence\":0.9,       | ''                    | sentiment.confidence is missing",
                "\"requires_escalation\":true | \"requires_escalation\":\"yes\" | insights.requires_escalation is not a boolean",
                "\"topics\":[\"contract\"] | \"topics\":\"contract\" | insights.topics is not a list",
                "\"suggested_reply\":\"I understand, let me see what I can do.\" | \"suggested_reply\":\" \" | reply.suggested_reply is empty",
            })
    void rejectsAnswersThatBreakTheSchemaNamingTheField(String from, String to, String problem) {
        String broken = GOOD.replace(from.strip(), to.strip());
        assertThat(broken).isNotEqualTo(GOOD);
        assertThatThrownBy(() -> parser.parse(broken, ModelAnswers.ANALYSIS_AGENTS))
                .isInstanceOf(AnswerParser.InvalidAnswer.class)
                .hasMessageContaining(problem);
    }

    @Test
    void rejectsTextThatIsNotJsonAndTruncatedJson() {
        assertThatThrownBy(() -> parser.parse("Sure! Here it is: {", ModelAnswers.ANALYSIS_AGENTS))
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> parser.parse(GOOD.substring(0, 120), ModelAnswers.ANALYSIS_AGENTS))
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> parser.parse("[]", ModelAnswers.ANALYSIS_AGENTS))
                .hasMessage("answer is not a JSON object");
        assertThatThrownBy(() -> parser.parse("", ModelAnswers.ANALYSIS_AGENTS))
                .hasMessage("empty answer");
        assertThatThrownBy(() -> parser.parse("{\"sentiment\":{}}", ModelAnswers.ANALYSIS_AGENTS))
                .hasMessageContaining("sentiment.sentiment is missing");
    }
}
