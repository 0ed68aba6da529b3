package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CuesTest {

    private final Cues cues =
            new Cues()
                    .add(0, "refund*, charge back, third time*")
                    .add(1, "app, res*")
                    .add(2, "rest");

    private static List<String> words(String text) {
        return IntentRules.words(text);
    }

    @Test
    void findsWordsPhrasesAndPrefixesByTheirBits() {
        assertThat(cues.find(words("I want my refunds"))).isEqualTo(0b001);
        assertThat(cues.find(words("I will charge back"))).isEqualTo(0b001);
        assertThat(cues.find(words("the third times a charm"))).isEqualTo(0b001);
        assertThat(cues.find(words("the app"))).isEqualTo(0b010);
        // "rest" is a word cue and starts with the prefix "res"
        assertThat(cues.find(words("a rest"))).isEqualTo(0b110);
    }

    @Test
    void aWordOnlyPartOfACueFindsNothing() {
        assertThat(cues.find(words("I will charge it"))).isZero();
        assertThat(cues.find(words("my apps fund the third"))).isZero();
        assertThat(cues.find(words("refun"))).isZero();
        assertThat(cues.find(words(""))).isZero();
    }

    @Test
    void eachOccurrenceIsToldInTextOrderWithItsCue() {
        Cues c = new Cues();
        int refund = c.cue(0, "refund*");
        int return_ = c.cue(1, "return*");
        int rest = c.cue(2, "rest");
        List<Integer> seen = new ArrayList<>();
        c.forEach(words("return the rest and refund the returns"), (id, bit) -> seen.add(id));
        assertThat(seen).containsExactly(return_, rest, refund, return_);
    }

    @Test
    void aMessagesTopicsAreTheTopicTableEntriesItsWordsName() {
        int topics =
                new MessageAnalyzer()
                        .analyze("I was charged twice, the parcel never came and I cannot log in")
                        .topics();
        List<String> named = new ArrayList<>();
        for (int t = 0; t < MessageAnalyzer.TOPICS.length; t++) {
            if ((topics & (1 << t)) != 0) {
                named.add(MessageAnalyzer.TOPICS[t][0]);
            }
        }
        assertThat(named).containsExactly("charge*", "parcel*", "login*");
    }

    @Test
    void prefixesAreFoundWhateverTheirFirstLetter() {
        Cues c = new Cues().add(0, "über*").add(1, "zap*").add(2, "ñan*").add(3, "a*");
        assertThat(c.find(words("Überweisung bitte"))).isEqualTo(0b0001);
        assertThat(c.find(words("it zapped"))).isEqualTo(0b0010);
        assertThat(c.find(words("ñandú"))).isEqualTo(0b0100);
        assertThat(c.find(words("an uber"))).isEqualTo(0b1000);
        assertThat(c.find(words("nan zip"))).isZero();
    }

    @Test
    void aPrefixNeedsALetterBeforeTheStar() {
        assertThatThrownBy(() -> new Cues().cue(0, "*"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
