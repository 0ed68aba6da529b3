package io.signalstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void onlyAValidVersionZeroTraceparentIsKept() {
        assertThat(Traceparent.valid(" " + PARENT.toUpperCase() + " ")).isEqualTo(PARENT);
        assertThat(Traceparent.valid("00-abc-01")).isNull();
        assertThat(Traceparent.valid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
                .as("all-zero trace id")
                .isNull();
        assertThat(Traceparent.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"))
                .as("all-zero span id")
                .isNull();
        assertThat(Traceparent.valid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isNull();
        assertThat(Traceparent.valid(null)).isNull();
    }

    @Test
    void theCheckAgreesWithTheFormatOnMutatedValues() {
        java.util.Random random = new java.util.Random(5);
        String symbols = "0123456789abcdefABCDEFxyz- 0000";
        for (int n = 0; n < 20_000; n++) {
            char[] value = (n % 3 == 0 ? Traceparent.newTrace() : PARENT).toCharArray();
            for (int k = random.nextInt(3); k >= 0; k--) {
                value[random.nextInt(value.length)] =
                        symbols.charAt(random.nextInt(symbols.length()));
            }
            String text = new String(value);
            if (n % 7 == 0) {
                text = text.substring(0, random.nextInt(text.length()));
            } else if (n % 11 == 0) {
                text = text.replace(text.substring(3, 35), "00000000000000000000000000000000");
            }
            String lower = text.strip().toLowerCase(java.util.Locale.ROOT);
            assertThat(Traceparent.valid(text))
                    .as(text)
                    .isEqualTo(Traceparent.FORMAT.matcher(lower).matches() ? lower : null);
        }
    }

    @Test
    void aChildKeepsTheTraceAndFlagsWithANewSpan() {
        String child = Traceparent.child(PARENT);
        assertThat(Traceparent.valid(child)).isEqualTo(child);
        assertThat(Traceparent.traceId(child)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(child).endsWith("-01").doesNotContain("00f067aa0ba902b7");

        String fresh = Traceparent.child("garbage");
        assertThat(Traceparent.valid(fresh)).isEqualTo(fresh);
        assertThat(Traceparent.traceId(fresh)).isNotEqualTo(Traceparent.traceId(PARENT));
        assertThat(Traceparent.newTrace()).isNotEqualTo(Traceparent.newTrace());
    }

    @Test
    void everyNewIdIsWellFormedAndNew() {
        java.util.Set<String> spans = new java.util.HashSet<>();
        java.util.BitSet digits = new java.util.BitSet();
        for (int i = 0; i < 2_000; i++) {
            String child = Traceparent.child(PARENT);
            String fresh = Traceparent.newTrace();
            assertThat(Traceparent.FORMAT.matcher(child).matches()).as(child).isTrue();
            assertThat(Traceparent.FORMAT.matcher(fresh).matches()).as(fresh).isTrue();
            assertThat(child).startsWith(PARENT.substring(0, 36)).endsWith(PARENT.substring(52));
            assertThat(fresh).endsWith("-01");
            assertThat(spans.add(child.substring(36, 52))).isTrue();
            assertThat(spans.add(fresh.substring(36, 52))).isTrue();
            fresh.substring(3, 52).chars().forEach(digits::set);
        }
        // all sixteen hex digits turn up: the ids are not drawn from fewer
        assertThat(digits.cardinality()).isEqualTo(17); // 16 digits and the '-'
    }
}
