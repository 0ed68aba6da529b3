package io.signalstream.job.pii;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {

    private final PiiDetector detector = new PiiDetector();

    @Test
    void findsEmailAndLuhnValidCardWithOffsetsIntoTheOriginal() {
        String text = "I'm jane.doe@example.com and my card is 4111-1111-1111-1111.";
        PiiResult result = detector.detect(text, "m1");

        assertThat(result.hasPii()).isTrue();
        assertThat(result.entities()).hasSize(2);
        PiiEntity email = result.entities().get(0);
        assertThat(text.substring(email.start(), email.end())).isEqualTo("jane.doe@example.com");
        assertThat(email.masked()).isEqualTo("j***@example.com");
        PiiEntity card = result.entities().get(1);
        assertThat(text.substring(card.start(), card.end())).isEqualTo("4111-1111-1111-1111");
        assertThat(card.masked()).isEqualTo("****1111");
        assertThat(result.redactedMessage())
                .isEqualTo("I'm <EMAIL_ADDRESS> and my card is <CREDIT_CARD>.");
    }

    @Test
    void aNumberThatFailsTheLuhnCheckIsNotACard() {
        PiiResult result = detector.detect("Order reference 4111 1111 1111 1112 please", "m1");
        assertThat(result.hasPii()).isFalse();
        assertThat(result.redactedMessage())
                .isEqualTo("Order reference 4111 1111 1111 1112 please");
    }
}
