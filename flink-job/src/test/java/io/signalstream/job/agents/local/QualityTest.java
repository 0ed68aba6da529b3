package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quality targets on the held-out data of the labelled sets (see {@code make eval} and
 * docs/quality.md). A change to the agents that makes them worse fails the build.
 */
class QualityTest {

    private final Evaluation eval = new Evaluation();

    @Test
    void offlineAgentsMeetTheirTargetsOnTheTestSplit() throws Exception {
        Evaluation.Report test = eval.run(true);
        assertThat(test.intentMacroF1()).as("intent macro-F1").isGreaterThanOrEqualTo(0.80);
        assertThat(test.sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(0.85);
        assertThat(test.piiPrecision()).as("PII precision").isGreaterThanOrEqualTo(0.98);
        assertThat(test.piiRecall()).as("PII recall").isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void generalTextGetsAMeaningfulScore() throws Exception {
        List<Evaluation.Example> texts = Evaluation.all("/eval/sentiment-general.tsv");
        int right = 0;
        int zero = 0;
        for (Evaluation.Example e : texts) {
            double score = eval.agents.sentiment(eval.context(e.fields()[1])).score();
            right += Evaluation.band(score).equals(e.fields()[0]) ? 1 : 0;
            zero += score == 0 && !e.fields()[0].equals("neutral") ? 1 : 0;
        }
        assertThat((double) right / texts.size()).as("accuracy").isGreaterThanOrEqualTo(0.80);
        assertThat(zero)
                .as("emotional texts scoring exactly 0")
                .isLessThanOrEqualTo(texts.size() / 7);
    }

    @Test
    void shortMessagesGetTheirLanguage() throws Exception {
        List<Evaluation.Example> texts = Evaluation.all("/eval/languages.tsv");
        long right =
                texts.stream()
                        .filter(
                                e ->
                                        Languages.shared()
                                                .detect(e.fields()[1])
                                                .language()
                                                .equals(e.fields()[0]))
                        .count();
        assertThat((double) right / texts.size()).isGreaterThanOrEqualTo(0.88);
    }

    @Test
    void spanishIsAnalysed() throws Exception {
        List<Evaluation.Example> texts = Evaluation.all("/eval/spanish.tsv");
        int intents = 0;
        int feelings = 0;
        for (Evaluation.Example e : texts) {
            var context = eval.context(e.fields()[2]);
            intents +=
                    eval.agents.insights(context, 1).intent().wireName().equals(e.fields()[0])
                            ? 1
                            : 0;
            feelings +=
                    eval.agents.sentiment(context).sentiment().wireName().equals(e.fields()[1])
                            ? 1
                            : 0;
        }
        assertThat((double) intents / texts.size()).as("intent").isGreaterThanOrEqualTo(0.85);
        assertThat((double) feelings / texts.size()).as("sentiment").isGreaterThanOrEqualTo(0.85);
    }
}
