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
}
