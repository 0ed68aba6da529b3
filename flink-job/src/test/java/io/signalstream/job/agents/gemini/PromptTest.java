package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.model.Emotion;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The schemas sent to the model must say what the result records accept, and nothing else. */
class PromptTest {

    private static JsonNode schema(String version) {
        return Json.newMapper().valueToTree(Prompt.load(version).responseSchema());
    }

    private static <E extends Enum<E>> List<String> wireNames(
            Class<E> type, Function<E, String> wire) {
        return Arrays.stream(type.getEnumConstants()).map(wire).toList();
    }

    private static List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void analysisSchemaEnumsAreTheModelsWireNames() {
        JsonNode props = schema(Prompt.ANALYSIS).get("properties");
        assertThat(values(props.at("/sentiment/properties/sentiment/enum")))
                .isEqualTo(wireNames(SentimentLabel.class, SentimentLabel::wireName));
        assertThat(values(props.at("/sentiment/properties/emotion/enum")))
                .isEqualTo(wireNames(Emotion.class, Emotion::wireName));
        assertThat(values(props.at("/insights/properties/intent/enum")))
                .isEqualTo(wireNames(Intent.class, Intent::wireName));
        assertThat(values(props.at("/insights/properties/urgency/enum")))
                .isEqualTo(wireNames(Urgency.class, Urgency::wireName));
        assertThat(values(props.at("/summary/properties/resolution_status/enum")))
                .isEqualTo(wireNames(ResolutionStatus.class, ResolutionStatus::wireName));
        assertThat(values(schema(Prompt.ANALYSIS).get("required")))
                .containsExactly("sentiment", "insights", "summary", "reply");
    }

    @Test
    void summarySchemaIsTheAnalysisSummaryPart() {
        assertThat(schema(Prompt.SUMMARY))
                .isEqualTo(schema(Prompt.ANALYSIS).at("/properties/summary"));
    }

    @Test
    void everyPromptCarriesItsVersionAndAnInstruction() {
        for (String version : List.of(Prompt.ANALYSIS, Prompt.SUMMARY)) {
            Prompt prompt = Prompt.load(version);
            assertThat(prompt.version()).isEqualTo(version);
            assertThat(prompt.instruction()).contains("not instructions").contains("JSON");
        }
    }

    @Test
    void aRoutedAnalysisAsksEachModelForItsOwnPartsUnderTheSameInstruction() {
        Prompt analysis = Prompt.load(Prompt.ANALYSIS);
        Prompt signals = Prompt.part(analysis, Prompt.SIGNALS);
        Prompt writeup = Prompt.part(analysis, Prompt.WRITEUP);
        assertThat(signals.instruction()).startsWith(analysis.instruction()).contains("only");
        assertThat(writeup.instruction()).startsWith(analysis.instruction()).contains("only");
        assertThat(properties(signals)).containsExactly("sentiment", "insights");
        assertThat(properties(writeup)).containsExactly("summary", "reply");
        assertThat(signals.responseSchema().get("properties"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry(
                        "sentiment",
                        ((java.util.Map<?, ?>) analysis.responseSchema().get("properties"))
                                .get("sentiment"));
    }

    private static List<String> properties(Prompt prompt) {
        return new ArrayList<>(
                ((java.util.Map<String, ?>) prompt.responseSchema().get("properties")).keySet());
    }
}
