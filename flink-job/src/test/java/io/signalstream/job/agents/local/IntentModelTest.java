package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.Intent;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntentModelTest {

    @Test
    void theSameExamplesTrainTheSameModel() {
        List<IntentModel.Example> examples = IntentModel.examples(IntentModel.RESOURCES.get(0));
        List<String> words =
                IntentRules.words("my parcel hasn't shown up and the tracking is stuck");
        assertThat(IntentModel.train(examples).probabilities(words))
                .containsExactly(IntentModel.train(examples).probabilities(words));
    }

    @Test
    void everyIntentHasAtLeastAHundredEnglishExamples() {
        List<IntentModel.Example> examples = IntentModel.examples(IntentModel.RESOURCES.get(0));
        for (Intent intent : Intent.values()) {
            assertThat(examples.stream().filter(e -> e.intent() == intent).count())
                    .as(intent.wireName())
                    .isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void aMessageWithoutACueIsReadByTheModelAndMarkedTentative() {
        List<String> words = IntentRules.words("I can't remember which email I registered with");
        assertThat(IntentRules.scores(words)).containsOnly(0.0);
        IntentRules.Decision d = IntentRules.decide(words);
        assertThat(d.intent()).isEqualTo(Intent.ACCOUNT_ACCESS);
        assertThat(d.tentative()).isTrue();
    }

    @Test
    void aClearCueIsFirmAndNothingAtAllIsAGeneralInquiry() {
        IntentRules.Decision refund = IntentRules.decide(IntentRules.words("I want a refund"));
        assertThat(refund.intent()).isEqualTo(Intent.REFUND_REQUEST);
        assertThat(refund.tentative()).isFalse();
        assertThat(IntentRules.decide(IntentRules.words("??")).intent())
                .isEqualTo(Intent.GENERAL_INQUIRY);
    }

    @Test
    void spanishIsUnderstoodToo() {
        assertThat(IntentRules.classify(IntentRules.words("quiero darme de baja del servicio")))
                .isEqualTo(Intent.CANCELLATION);
        assertThat(IntentRules.classify(IntentRules.words("no me ha llegado el paquete")))
                .isEqualTo(Intent.SHIPPING_DELIVERY);
    }

    @Test
    void theFastPathGivesTheModelsOwnProbabilities() {
        IntentModel model = IntentModel.shared();
        for (String text :
                List.of(
                        "where's my parcel, it's been two weeks",
                        "refund refund refund",
                        "I can't log in to the app and the app says error",
                        "??",
                        "quiero cancelar mi suscripción")) {
            List<String> words = IntentRules.words(text);
            double[] fast = model.probabilities(words);
            double[] own = model.evaluate(words);
            for (int i = 0; i < fast.length; i++) {
                assertThat(fast[i])
                        .as(text)
                        .isCloseTo(own[i], org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }
}
