package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The limiter driven by a hand-moved clock: every release is decided by {@code due(now)}. */
class FairRateLimiterTest {

    private long now = 0;
    private final List<String> ran = new ArrayList<>();

    private FairRateLimiter limiter(double perMinute) {
        return new FairRateLimiter(perMinute, () -> now, null);
    }

    private void runDue(FairRateLimiter limiter) {
        limiter.due(now).forEach(Runnable::run);
    }

    @Test
    void spacesPermitsEvenlySoNoMinuteHoldsMoreThanTheBudget() {
        FairRateLimiter limiter = limiter(120); // one every 500 ms
        for (int i = 0; i < 500; i++) {
            int n = i;
            limiter.submit("t", () -> ran.add("r" + n));
        }
        List<Long> releasedAt = new ArrayList<>();
        for (now = 0;
                now <= TimeUnit.SECONDS.toNanos(150);
                now += TimeUnit.MILLISECONDS.toNanos(10)) {
            int before = ran.size();
            runDue(limiter);
            for (int i = before; i < ran.size(); i++) {
                releasedAt.add(now);
            }
        }
        long minute = TimeUnit.MINUTES.toNanos(1);
        int busiestMinute = 0;
        for (int i = 0; i < releasedAt.size(); i++) {
            int j = i;
            while (j < releasedAt.size() && releasedAt.get(j) - releasedAt.get(i) < minute) {
                j++;
            }
            busiestMinute = Math.max(busiestMinute, j - i);
        }
        assertThat(busiestMinute).isEqualTo(120);
        assertThat(releasedAt).hasSizeBetween(300, 301);
    }

    @Test
    void tenantsTakeTurnsSoABusyTenantCannotStarveAQuietOne() {
        FairRateLimiter limiter = limiter(60); // one a second
        for (int i = 0; i < 10; i++) {
            int n = i;
            limiter.submit("noisy", () -> ran.add("noisy" + n));
        }
        limiter.submit("quiet", () -> ran.add("quiet0"));
        limiter.submit("quiet", () -> ran.add("quiet1"));
        for (int second = 0; second < 5; second++) {
            now = TimeUnit.SECONDS.toNanos(second);
            runDue(limiter);
        }
        assertThat(ran).containsExactly("noisy0", "quiet0", "noisy1", "quiet1", "noisy2");
        assertThat(limiter.waiting()).isEqualTo(7);
    }

    @Test
    void retryAfterHoldsEveryReleaseBack() {
        FairRateLimiter limiter = limiter(600); // one every 100 ms
        limiter.pause(Duration.ofSeconds(2));
        limiter.submit("t", () -> ran.add("a"));
        now = TimeUnit.MILLISECONDS.toNanos(1_999);
        runDue(limiter);
        assertThat(ran).isEmpty();
        assertThat(limiter.untilNext(now)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
        now = TimeUnit.MILLISECONDS.toNanos(2_000);
        runDue(limiter);
        assertThat(ran).containsExactly("a");
    }

    @Test
    void aCancelledRequestNeverRuns() {
        FairRateLimiter limiter = limiter(60);
        limiter.submit("t", () -> ran.add("first"));
        FairRateLimiter.Ticket second = limiter.submit("t", () -> ran.add("second"));
        runDue(limiter);
        assertThat(limiter.cancel(second)).isTrue();
        assertThat(limiter.cancel(second)).isFalse();
        now = TimeUnit.SECONDS.toNanos(5);
        runDue(limiter);
        assertThat(ran).containsExactly("first");
        assertThat(limiter.untilNext(now)).isEqualTo(-1);
    }

    @Test
    void permitsNotUsedWhileIdleAreNotSavedUpForABurst() {
        FairRateLimiter limiter = limiter(60);
        now = TimeUnit.MINUTES.toNanos(10);
        for (int i = 0; i < 3; i++) {
            int n = i;
            limiter.submit("t", () -> ran.add("r" + n));
        }
        runDue(limiter);
        assertThat(ran).containsExactly("r0");
    }
}
