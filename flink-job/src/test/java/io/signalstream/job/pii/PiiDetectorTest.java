package io.signalstream.job.pii;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PiiDetectorTest {

    private final PiiDetector detector = new PiiDetector("US");

    private List<String> types(String text) {
        return detector.detect(text, "m1").entities().stream().map(PiiEntity::type).toList();
    }

    private String found(String text) {
        PiiEntity e = detector.detect(text, "m1").entities().get(0);
        return text.substring(e.start(), e.end());
    }

    @Test
    void findsEmailAndCardWithOffsetsIntoTheOriginal() {
        String text = "I'm jane.doe@example.com and my card is 4111-1111-1111-1111.";
        PiiResult result = detector.detect(text, "m1");

        assertThat(result.entities())
                .extracting(PiiEntity::type)
                .containsExactly("EMAIL_ADDRESS", "CREDIT_CARD");
        PiiEntity email = result.entities().get(0);
        assertThat(text.substring(email.start(), email.end())).isEqualTo("jane.doe@example.com");
        assertThat(email.masked()).isEqualTo("j***@example.com");
        PiiEntity card = result.entities().get(1);
        assertThat(text.substring(card.start(), card.end())).isEqualTo("4111-1111-1111-1111");
        assertThat(card.masked()).isEqualTo("****1111");
        assertThat(result.redactedMessage())
                .isEqualTo("I'm <EMAIL_ADDRESS> and my card is <CREDIT_CARD>.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "card 4111.1111.1111.1111 please        | CREDIT_CARD | 4111.1111.1111.1111",
                "card 4111  1111  1111  1111 please     | CREDIT_CARD | 4111  1111  1111  1111",
                "card 4111\u00A01111\u00A01111\u00A01111 ok | CREDIT_CARD | 4111\u00A01111\u00A01111\u00A01111",
                "card \uFF14\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 x"
                        + " | CREDIT_CARD | \uFF14\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11",
                "jcb 3530 1113 3330 0000 thanks         | CREDIT_CARD | 3530 1113 3330 0000",
                "unionpay 6212 3456 7890 1232 ok        | CREDIT_CARD | 6212 3456 7890 1232",
                "maestro 6759 6498 2643 8453 ok         | CREDIT_CARD | 6759 6498 2643 8453",
                "my SSN is 123 45 6789 ok               | US_SSN      | 123 45 6789",
                "ssn \uFF11\uFF12\uFF13-\uFF14\uFF15-\uFF16\uFF17\uFF18\uFF19 | US_SSN | \uFF11\uFF12\uFF13-\uFF14\uFF15-\uFF16\uFF17\uFF18\uFF19",
            })
    void findsWrittenVariants(String text, String type, String value) {
        PiiResult result = detector.detect(text, "m1");
        assertThat(result.entities()).extracting(PiiEntity::type).containsExactly(type);
        assertThat(found(text)).isEqualTo(value);
        assertThat(result.redactedMessage()).doesNotContain(value).contains("<" + type + ">");
    }

    @Test
    void foldingKeepsLengthAndLeavesPlainTextAlone() {
        String plain = "nothing to fold here 123";
        assertThat(PiiDetector.fold(plain)).isSameAs(plain);
        String wide = "\uFF14\u00A0\u2007\u3000\u2013\uFF0E";
        assertThat(PiiDetector.fold(wide)).isEqualTo("4   -.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "call me at (415) 555-2671 please        | PHONE_NUMBER  | (415) 555-2671",
                "my mobile is +44 20 7946 0958           | PHONE_NUMBER  | +44 20 7946 0958",
                "IBAN DE89 3704 0044 0532 0130 00 thanks | IBAN_CODE     | DE89 3704 0044 0532 0130 00",
                "iban: GB82WEST12345698765432            | IBAN_CODE     | GB82WEST12345698765432",
                "amex 3782 822463 10005 expired          | CREDIT_CARD   | 3782 822463 10005",
                "card number 5500005555555559            | CREDIT_CARD   | 5500005555555559",
                "my SSN is 123-45-6789                   | US_SSN        | 123-45-6789",
                "social security number 123456789        | US_SSN        | 123456789",
                "login from 203.0.113.45 failed          | IP_ADDRESS    | 203.0.113.45",
                "it came from 203.0.113.46. Odd          | IP_ADDRESS    | 203.0.113.46",
                "ipv6 2001:db8:85a3::8a2e:370:7334 here  | IP_ADDRESS    | 2001:db8:85a3::8a2e:370:7334",
                "write to bob.smith+billing@mail.co.uk.  | EMAIL_ADDRESS | bob.smith+billing@mail.co.uk",
            })
    void findsEachTypeWhereItIs(String text, String type, String value) {
        assertThat(types(text.strip())).containsExactly(type);
        assertThat(found(text.strip())).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Order reference 4111 1111 1111 1112 please", // fails Luhn
                "IBAN DE89 3704 0044 0532 0130 01", // fails mod-97
                "IBAN DE89 3704 0044 0532 0130", // wrong length for Germany
                "ticket 000-12-3456", // SSN area 000
                "666-12-3456 is not an SSN", // area 666
                "code 912-34-5678", // area 9xx
                "order #123-45-6789 has shipped", // another kind of number
                "order number 123456789 shipped", // nine digits without SSN context
                "version 1.2.3.4 is installed", // a version, not an address
                "999.1.1.1 is not an address",
                "meet at 10:30:45 tomorrow",
                "call 555-0100 anytime", // too short to be a valid number
                "write to user@localhost", // no domain
                "the total was 1234567890123 points", // Luhn-valid? no issuer range
            })
    void leavesLookAlikesAlone(String text) {
        assertThat(types(text)).isEmpty();
        assertThat(detector.detect(text, "m1").redactedMessage()).isEqualTo(text);
    }

    @Test
    void redactsEveryEntityAndKeepsTheRest() {
        String text = "Card 4111 1111 1111 1111, phone 415-555-2671, ip 198.51.100.7, mail a@b.io";
        PiiResult result = detector.detect(text, "m9");
        assertThat(result.redactedMessage())
                .isEqualTo(
                        "Card <CREDIT_CARD>, phone <PHONE_NUMBER>, ip <IP_ADDRESS>, mail <EMAIL_ADDRESS>");
        assertThat(result.entities()).allSatisfy(e -> assertThat(e.messageId()).isEqualTo("m9"));
        assertThat(result.entities())
                .extracting(PiiEntity::masked)
                .doesNotContain("4111 1111 1111 1111", "415-555-2671");
    }

    @Test
    void findsPhoneNumbersAnywhereInALongMessageWithTheirExtensions() {
        // Phone numbers are looked for only around runs of digits; each must still be found whole,
        // at its own offsets, between other entities and far apart.
        String text =
                "My card 4111 1111 1111 1111 was declined. Call (415) 555-2671 ext. 204 today, "
                        + "or the office on +44 20 7946 0958; the order was 123456."
                        + " ".repeat(200)
                        + "Last try: 212-555-0143.";
        PiiResult result = detector.detect(text, "m");
        assertThat(result.entities())
                .extracting(e -> e.type() + "=" + text.substring(e.start(), e.end()))
                .containsExactly(
                        "CREDIT_CARD=4111 1111 1111 1111",
                        "PHONE_NUMBER=(415) 555-2671 ext. 204",
                        "PHONE_NUMBER=+44 20 7946 0958",
                        "PHONE_NUMBER=212-555-0143");
        assertThat(types("call me at abc4155552671def")).isEmpty();
    }

    @Test
    void answersPromptlyOnHostileInput() throws Exception {
        // Inputs that make backtracking patterns explode: long runs of what a pattern almost
        // matches.
        List<String> hostile =
                List.of(
                        "a".repeat(50_000) + "@",
                        "a.".repeat(25_000) + "@b",
                        "1 ".repeat(25_000),
                        "1-".repeat(25_000) + "x",
                        "DE89 ".repeat(10_000),
                        "1.".repeat(25_000),
                        ":".repeat(50_000),
                        "a:".repeat(25_000),
                        "x@y.".repeat(10_000));
        CompletableFuture<Void> all =
                CompletableFuture.runAsync(() -> hostile.forEach(h -> detector.detect(h, "m")));
        // A backtracking pattern would take minutes to hours here; linear ones take milliseconds.
        all.get(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS);
        assertThat(all).isDone();
    }
}
