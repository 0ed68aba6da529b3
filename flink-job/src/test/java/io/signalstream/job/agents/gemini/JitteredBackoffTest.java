package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.model.AgentKind;
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
    void retriesFailedAttemptsOnlyNeverAnswersOrFallbacks() {
        var predicate = backoff.getRetryPredicate().resultPredicate().orElseThrow();
        AgentRequest request =
                new AgentRequest(AgentRequest.Kind.SUMMARY, "t", "c", 1, null, null, List.of(), 0);
        AgentRun failed = new AgentRun(AgentKind.SUMMARY, 1, null, "m", 5, 1, "503");
        AgentRun fellBack = new AgentRun(AgentKind.SUMMARY, 1, "local-fallback", "m", 5, 3, "503");
        assertThat(predicate.test(List.of())).isFalse();
        assertThat(predicate.test(List.of(AgentResults.none(request)))).isFalse();
        assertThat(predicate.test(List.of(result(request, failed, null)))).isTrue();
        assertThat(predicate.test(List.of(result(request, fellBack, "503")))).isFalse();
        assertThat(backoff.getRetryPredicate().exceptionPredicate()).isEmpty();
    }

    private static AgentResults result(AgentRequest request, AgentRun run, String deadLetter) {
        return new AgentResults(
                request, null, null, null, null, null, List.of(run), null, deadLetter);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new JitteredBackoff(0, 200, 1_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JitteredBackoff(3, 500, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
