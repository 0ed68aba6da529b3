package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokens' entries, worked out once and kept, score a text as a first reading of it does. */
class SentimentTokensTest {

    @Test
    void aTextScoresTheSameWithItsTokensKeptAsOnItsFirstReading() {
        List<String> texts = new ArrayList<>();
        IntentModel.RESOURCES.forEach(
                r -> IntentModel.examples(r).forEach(e -> texts.add(e.text())));
        texts.addAll(
                List.of(
                        "I'll be fine, we'll see. Not good, NOT GOOD at all!!",
                        "The delivery was late. Brilliant.",
                        "I don't hate it, but it is really, really bad :( 😡",
                        "Nothing, never helps"));
        SentimentAnalyzer analyzer = new SentimentAnalyzer();
        // the first pass works each token out when it first appears; the second reads them kept
        List<SentimentAnalyzer.Scores> first = texts.stream().map(analyzer::score).toList();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(analyzer.score(texts.get(i))).as(texts.get(i)).isEqualTo(first.get(i));
        }
        assertThat(analyzer.score(texts.get(texts.size() - 4)))
                .isEqualTo(new SentimentAnalyzer().score(texts.get(texts.size() - 4)));
    }
}
