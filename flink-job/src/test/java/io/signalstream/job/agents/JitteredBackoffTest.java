package io.signalstream.job.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JitteredBackoffTest {

    private final JitteredBackoff backoff = new JitteredBackoff(4, 200, 1_000);

    @Test
    void countsTheFirstCallAmongTheAttempts() {
        assertThat(backoff.canRetry(1)).isTrue();
        assertThat(backoff.canRetry(3)).isTrue();
        assertThat(backoff.canRetry(4)).isFalse();
    }

    @Test
    void waitsBetweenHalfAndAllOfADoublingCappedCeiling() {
        assertThat(List.of(1, 2, 3, 4, 10).stream().map(backoff::ceiling))
                .containsExactly(200L, 400L, 800L, 1_000L, 1_000L);
        for (int attempt = 1; attempt <= 5; attempt++) {
            long ceiling = backoff.ceiling(attempt);
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.getBackoffTimeMillis(attempt)).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void retriesFailedOutcomesOnly() {
        var predicate = backoff.getRetryPredicate().resultPredicate().orElseThrow();
        assertThat(predicate.test(List.of())).isFalse();
        assertThat(
                        predicate.test(
                                List.of(
                                        AgentOutcome.failure(
                                                io.signalstream.model.AgentKind.PII, null, "x"))))
                .isTrue();
        assertThat(backoff.getRetryPredicate().exceptionPredicate()).isEmpty();
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new JitteredBackoff(0, 200, 1_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JitteredBackoff(3, 500, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
