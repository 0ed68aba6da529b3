package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.Urgency;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguagesTest {

    private final Languages languages = Languages.shared();

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "The parcel was supposed to arrive yesterday and nobody called me | en",
                "Quiero saber por qué me cobraron dos veces este mes             | es",
                "Je voudrais savoir pourquoi ma commande n'est pas arrivée       | fr",
                "Ich habe meine Rechnung noch nicht bekommen                     | de",
                "Где мой заказ, я жду уже неделю                                 | ru",
                "我的订单在哪里                                                    | zh",
                "注文はまだ届いていません                                           | ja",
            })
    void clearMessagesGetTheirLanguage(String text, String language) {
        Languages.Guess g = languages.detect(text);
        assertThat(g.language()).isEqualTo(language);
        assertThat(g.confidence()).isBetween(0.0, 1.0);
    }

    @Test
    void asciiTextGetsTheSameAnswerFromItsOwnTableAsFromTheWholeModel() {
        java.util.Random random = new java.util.Random(11);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'   .,!?0123456789-";
        List<String> texts =
                new java.util.ArrayList<>(
                        List.of(
                                "where is my order",
                                "ok",
                                "vale",
                                "Quiero saber por que me cobraron dos veces",
                                "Je voudrais savoir pourquoi ma commande n'est pas arrivee",
                                "I can't log in since yesterday's update!!!",
                                "x"));
        for (int n = 0; n < 2_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(n % 10 == 0 ? 1_500 : 120);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(text.toString());
        }
        Languages.Detector detector = languages.detector(); // one, reused: its memory is reset
        for (String text : texts) {
            assertThat(languages.detect(text)).as(text).isEqualTo(languages.detectHashed(text));
            assertThat(detector.detect(text)).as(text).isEqualTo(languages.detectHashed(text));
        }
    }

    @Test
    void textWithoutLettersHasNoLanguage() {
        assertThat(languages.detect("1234 ?? :)")).isEqualTo(Languages.Guess.UNKNOWN);
        assertThat(languages.detect("")).isEqualTo(Languages.Guess.UNKNOWN);
    }

    @Test
    void latinTextIsNeverTakenForAScriptItIsNotWrittenIn() {
        for (String text : List.of("ok", "the app keeps crashing", "xyz qq", "aaa")) {
            assertThat(languages.detect(text).language())
                    .as(text)
                    .isNotIn("zh", "ja", "ko", "ru", "uk", "ar", "he", "hi", "th", "el");
        }
    }

    @Test
    void aLongerMessageIsSurerThanOneWord() {
        assertThat(
                        languages
                                .detect("Thank you so much for sorting out my account so quickly")
                                .confidence())
                .isGreaterThan(languages.detect("thanks").confidence());
    }

    @Test
    void insightsAreStampedAndOnlyAClearLanguageOutsideTheAnalysedOnesIsNotAnalysed() {
        InsightsResult i =
                new InsightsResult(Intent.BILLING, Urgency.LOW, List.of(), false, null, List.of());
        InsightsResult stamped = languages.stamp(i, "Quiero cambiar mi tarjeta de crédito");
        assertThat(stamped.language()).isEqualTo("es");
        assertThat(stamped.languageConfidence()).isPositive();
        assertThat(stamped.intent()).isEqualTo(Intent.BILLING);
        assertThat(Languages.notAnalysed(languages.detect("Je voudrais annuler mon abonnement")))
                .isTrue();
        assertThat(Languages.notAnalysed(languages.detect("I want to cancel"))).isFalse();
        assertThat(Languages.notAnalysed(Languages.Guess.UNKNOWN)).isFalse();
        assertThat(Languages.notAnalysed(new Languages.Guess("fr", 0.01))).isFalse();
    }

    @Test
    void theModelsThreeLetterCodesBecomeTwoLetterOnes() {
        assertThat(Languages.iso1("eng")).isEqualTo("en");
        assertThat(Languages.iso1("deu")).isEqualTo("de");
        assertThat(Languages.iso1("cmn")).isEqualTo("zh");
        assertThat(Languages.iso1("nob")).isEqualTo("no");
    }

    @Test
    void aLongMessageIsReadFromItsStartOnly() {
        String spanish = "quiero cancelar mi suscripción porque no funciona nada ".repeat(300);
        assertThat(spanish.length()).isGreaterThan(Languages.MAX_CHARS * 10);
        Languages.Guess g = languages.detect(spanish);
        assertThat(g.language()).isEqualTo("es");
        assertThat(languages.detect(spanish.substring(0, Languages.MAX_CHARS))).isEqualTo(g);
    }
}
