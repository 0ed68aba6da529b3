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

    @Test
    void readsTheRetryDelayOfARetryInfoInTheErrorBody() {
        String body =
                """
                {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": [
                  {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []},
                  {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "%s"}]}}""";
        assertThat(GeminiTransport.retryDelay(body.formatted("2s"))).hasSeconds(2);
        assertThat(GeminiTransport.retryDelay(body.formatted("1.5s"))).hasMillis(1_500);
        assertThat(GeminiTransport.retryDelay(body.formatted("0.000000001s"))).hasNanos(1);
        assertThat(GeminiTransport.retryDelay(body.formatted("soon"))).isNull();
        assertThat(GeminiTransport.retryDelay("{\"error\": {\"code\": 429}}")).isNull();
        assertThat(GeminiTransport.retryDelay("not json RetryInfo")).isNull();
        assertThat(GeminiTransport.retryDelay(null)).isNull();
    }

    @Test
    void pausesForTheLongerDelayTheServerNamedOrASecondWhenItNamedNone() {
        Duration one = Duration.ofSeconds(1);
        Duration two = Duration.ofSeconds(2);
        assertThat(GeminiTransport.pause(one, two)).isEqualTo(two);
        assertThat(GeminiTransport.pause(two, one)).isEqualTo(two);
        assertThat(GeminiTransport.pause(null, two)).isEqualTo(two);
        assertThat(GeminiTransport.pause(two, null)).isEqualTo(two);
        assertThat(GeminiTransport.pause(null, null)).isEqualTo(GeminiTransport.THROTTLE_PAUSE);
    }
}
