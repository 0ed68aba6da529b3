package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexiconTest {

    private final Cues cues =
            new Cues()
                    .add(0, "refund*, charge back, third time*")
                    .add(1, "app, res*, log in")
                    .add(2, "rest, cancel*");

    private final Lexicon lexicon = new Lexicon(cues, IntentModel.shared());

    /** Every shipped intent example, and a few texts with cues at the edges. */
    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        IntentModel.RESOURCES.forEach(
                r -> IntentModel.examples(r).forEach(e -> texts.add(e.text())));
        texts.addAll(
                List.of(
                        "",
                        "''",
                        "log",
                        "charge back",
                        "I can't log in, the app resets, refund or cancel it, the third time!"));
        return texts;
    }

    @Test
    void wordsLookedUpOnceGiveWhatEachTableGivesAlone() {
        List<String> texts = texts();
        assertThat(texts).hasSizeGreaterThan(500);
        for (String text : texts) {
            List<String> words = IntentRules.words(text);
            // twice: the first look-up fills the entries, the second reads them
            for (int pass = 0; pass < 2; pass++) {
                Lexicon.Words looked = lexicon.lookUp(words);
                assertThat(cues.find(words, looked.signal())).as(text).isEqualTo(cues.find(words));
                assertThat(IntentModel.shared().probabilities(looked.model()))
                        .as(text)
                        .containsExactly(IntentModel.shared().probabilities(words));
                assertThat(
                                IntentRules.decide(
                                        words,
                                        looked.intent(),
                                        looked.model(),
                                        IntentModel.shared()))
                        .as(text)
                        .isEqualTo(IntentRules.decide(words));
            }
        }
    }

    @Test
    void theCueOccurrencesAreToldInTheSameOrder() {
        List<String> words = IntentRules.words("return the rest and refund the app, log in again");
        List<Integer> alone = new ArrayList<>();
        List<Integer> looked = new ArrayList<>();
        cues.forEach(words, (id, bit) -> alone.add(id));
        cues.forEach(words, lexicon.lookUp(words).signal(), (id, bit) -> looked.add(id));
        assertThat(alone).hasSize(5); // rest: "rest" and "res*"; refund; app; log in
        assertThat(looked).isEqualTo(alone);
    }

    @Test
    void madeUpWordsNeverGrowItBeyondItsBoundAndTheWordsInUseStay() {
        List<String> common = IntentRules.words("where is my refund");
        Lexicon.Words first = lexicon.lookUp(common);
        for (int i = 0; i < 3 * Lexicon.MAX_WORDS; i += 50) {
            List<String> words = new ArrayList<>(common);
            for (int k = i; k < i + 50; k++) {
                words.add("w" + k);
            }
            Lexicon.Words looked = lexicon.lookUp(words);
            assertThat(lexicon.size()).isLessThanOrEqualTo(Lexicon.MAX_WORDS);
            // the words in every message keep their entries through the generations
            for (int k = 0; k < common.size(); k++) {
                assertThat(looked.signal()[k]).isSameAs(first.signal()[k]);
                assertThat(looked.model()[k]).isSameAs(first.model()[k]);
            }
        }
        assertThat(lexicon.size()).isGreaterThan(Lexicon.MAX_WORDS / 2);
    }
}
