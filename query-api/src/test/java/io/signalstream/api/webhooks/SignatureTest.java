package io.signalstream.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SignatureTest {

    private static final byte[] BODY = "{\"type\":\"alert\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theHeaderIsTheHmacOfTheTimeAndTheBody() throws Exception {
        String header = Signature.header("s3cret-s3cret-s3cret", 1_800_000_000L, BODY);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(
                new SecretKeySpec(
                        "s3cret-s3cret-s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected =
                mac.doFinal("1800000000.{\"type\":\"alert\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(header)
                .isEqualTo("t=1800000000,v1=" + java.util.HexFormat.of().formatHex(expected));
    }

    @Test
    void aReceiverAcceptsOnlyTheRightSecretBodyAndTime() {
        String header = Signature.header("s3cret-s3cret-s3cret", 1_800_000_000L, BODY);
        assertThat(Signature.verify("s3cret-s3cret-s3cret", header, BODY, 1_800_000_100L, 300))
                .isTrue();
        assertThat(Signature.verify("other-secret-other", header, BODY, 1_800_000_100L, 300))
                .isFalse();
        assertThat(
                        Signature.verify(
                                "s3cret-s3cret-s3cret",
                                header,
                                "{}".getBytes(),
                                1_800_000_100L,
                                300))
                .isFalse();
        assertThat(Signature.verify("s3cret-s3cret-s3cret", header, BODY, 1_800_001_000L, 300))
                .isFalse();
        assertThat(Signature.verify("s3cret-s3cret-s3cret", "t=x,v1=00", BODY, 1_800_000_000L, 300))
                .isFalse();
    }

    @Test
    void theDeliveryIdIsStablePerAlertAndWebhook() {
        assertThat(Signature.deliveryId("a1", "ops"))
                .hasSize(32)
                .isEqualTo(Signature.deliveryId("a1", "ops"));
        assertThat(Signature.deliveryId("a1", "ops"))
                .isNotEqualTo(Signature.deliveryId("a1", "crm"));
        assertThat(Signature.deliveryId("a1", "ops"))
                .isNotEqualTo(Signature.deliveryId("a2", "ops"));
    }
}
