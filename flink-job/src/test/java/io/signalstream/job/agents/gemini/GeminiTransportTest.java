package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GeminiTransportTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertThat(GeminiTransport.retryAfter("7", NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(GeminiTransport.retryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
        assertThat(GeminiTransport.retryAfter("Wed, 25 Nov 2026 12:00:30 GMT", NOW))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(GeminiTransport.retryAfter("Wed, 25 Nov 2026 11:00:00 GMT", NOW))
                .isEqualTo(Duration.ZERO);
        assertThat(GeminiTransport.retryAfter("-3", NOW)).isEqualTo(Duration.ZERO);
        assertThat(GeminiTransport.retryAfter("soon", NOW)).isNull();
        assertThat(GeminiTransport.retryAfter(null, NOW)).isNull();
    }
}
