package io.signalstream.model.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleCheckTest {

    private static JsonNode json(String text) throws Exception {
        return Json.newMapper().readTree(text);
    }

    private static List<String> problems(String rule) throws Exception {
        return RuleCheck.check(json(rule)).stream().map(RuleCheck.Problem::toString).toList();
    }

    @Test
    void theIssuesExampleAndEveryConditionKindAreValid() throws Exception {
        assertThat(
                        problems(
                                """
                {"name": "Escalate now", "when": {"any": [
                   {"field": "insights.requires_escalation", "op": "eq", "value": true},
                   {"field": "sentiment.score", "op": "lte", "value": -0.6}]},
                 "cooldown": "PT10M", "severity": "high",
                 "actions": [{"type": "webhook", "webhook": "ops"}]}"""))
                .isEmpty();
        assertThat(
                        problems(
                                """
                {"name": "Unhappy and waiting", "when": {"all": [
                   {"drop": {"field": "sentiment.score", "by": 0.5, "over": 3}},
                   {"waiting": "PT5M"},
                   {"text": {"matches": "chargeback|lawyer*|cancel my account"}},
                   {"field": "insights.urgency", "op": "gte", "value": "high"},
                   {"field": "insights.intent", "op": "in", "value": ["complaint", "cancellation"]},
                   {"field": "pii.types", "op": "contains", "value": "CREDIT_CARD"},
                   {"any": [{"field": "message_count", "op": "gte", "value": 5},
                            {"field": "insights.language", "op": "eq", "value": "es"}]}]},
                 "actions": [{"type": "alert"}]}"""))
                .isEmpty();
    }

    @Test
    void everyMistakeIsNamedByItsPath() throws Exception {
        List<String> found =
                problems(
                        """
                {"name": "", "colour": "red", "when": {"any": [
                   {"field": "sentiment.scor", "op": "lte", "value": -0.6},
                   {"field": "sentiment.score", "op": "contains", "value": 1},
                   {"field": "sentiment.score", "op": "lte", "value": "low"},
                   {"field": "insights.intent", "op": "eq", "value": "refund"},
                   {"waiting": "5 minutes"},
                   {"text": {"matches": "(a+)+$"}},
                   {"drop": {"field": "sentiment.score", "by": 3, "over": 1}}]},
                 "cooldown": "P90D", "severity": "urgent",
                 "actions": [{"type": "email"}, {"type": "webhook", "webhook": "../ops"}]}""");
        assertThat(found)
                .anyMatch(p -> p.startsWith("name: is required"))
                .anyMatch(p -> p.startsWith("colour: is not a field here"))
                .anyMatch(p -> p.startsWith("when.any[0].field: 'sentiment.scor' is not one of"))
                .anyMatch(p -> p.startsWith("when.any[1].op: for sentiment.score must be one of"))
                .anyMatch(p -> p.startsWith("when.any[2].value: sentiment.score is a number"))
                .anyMatch(p -> p.startsWith("when.any[3].value: 'refund' is not one of"))
                .anyMatch(p -> p.startsWith("when.any[4].waiting: is an ISO-8601 duration"))
                .anyMatch(p -> p.startsWith("when.any[5].text.matches: may hold words"))
                .anyMatch(p -> p.startsWith("when.any[6].drop.by:"))
                .anyMatch(p -> p.startsWith("when.any[6].drop.over:"))
                .anyMatch(p -> p.startsWith("cooldown: lies between"))
                .anyMatch(p -> p.startsWith("severity: must be one of"))
                .anyMatch(p -> p.startsWith("actions[0].type: must be alert or webhook"))
                .anyMatch(p -> p.startsWith("actions[1].webhook: names a webhook"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[]                                          | : a rule is a JSON object",
                "{}                                          | when: is required",
                "{\"name\":\"x\",\"when\":{\"any\":[]},\"actions\":[{\"type\":\"alert\"}]} | when.any: must be a list of at least one condition",
                "{\"name\":\"x\",\"when\":{\"all\":[{\"all\":[{\"all\":[{\"all\":[{\"waiting\":\"PT5M\"}]}]}]}]},\"actions\":[{\"type\":\"alert\"}]} | groups nest at most 3 deep",
                "{\"name\":\"x\",\"when\":{\"any\":[{\"waiting\":\"PT10S\"}]},\"actions\":[{\"type\":\"alert\"}]} | when.any[0].waiting: lies between",
                "{\"name\":\"x\",\"when\":{\"any\":[{\"foo\":1}]},\"actions\":[{\"type\":\"alert\"}]} | when.any[0]: must be a field condition",
                "{\"name\":\"x\",\"when\":{\"any\":[{\"waiting\":\"PT5M\"}]}}  | actions: is a list of 1 to 5 actions",
            })
    void shapesThatCannotWorkAreRefused(String rule, String expected) throws Exception {
        assertThat(problems(rule)).anyMatch(p -> p.contains(expected.strip()));
    }

    @Test
    void aPatternThatCouldRunAwayIsRefused() throws Exception {
        String pattern = "a ".repeat(99) + "!";
        List<String> found =
                problems(
                        "{\"name\":\"x\",\"when\":{\"any\":[{\"text\":{\"matches\":\""
                                + pattern
                                + "\"}}]},\"actions\":[{\"type\":\"alert\"}]}");
        assertThat(found).anyMatch(p -> p.contains("may hold words"));
    }
}
