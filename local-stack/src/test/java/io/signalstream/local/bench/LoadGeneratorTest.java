package io.signalstream.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** An ingest rate's rounds add up to one result, each round's figures left as they were. */
class LoadGeneratorTest {

    private static Histogram micros(long value, int count) {
        Histogram h = new ConcurrentHistogram(300_000_000L, 3);
        h.recordValueWithCount(value, count);
        return h;
    }

    private static LoadGenerator.Result round(double rate, long value, int count, long errors) {
        return new LoadGenerator.Result(
                rate,
                count,
                count - errors,
                errors,
                micros(value, count),
                micros(value / 10, count),
                0,
                new Histogram(300_000_000L, 3),
                count / rate);
    }

    @Test
    void roundsAddUpToOneResultWithTheirHistogramsMerged() {
        LoadGenerator.Result slow = round(1000, 40_000, 10, 1);
        LoadGenerator.Result fast = round(1000, 2_000, 990, 0);

        LoadGenerator.Result all = slow.plus(fast);

        assertThat(all.sent()).isEqualTo(1_000);
        assertThat(all.accepted()).isEqualTo(999);
        assertThat(all.errors()).isEqualTo(1);
        assertThat(all.rate()).isEqualTo(1000);
        assertThat(all.seconds()).isEqualTo(1.0);
        assertThat(all.postMicros().getTotalCount()).isEqualTo(1_000);
        // one in a hundred POSTs was slow: the p99 is a fast one, the p99.9 a slow one
        assertThat(all.postMicros().getValueAtPercentile(99)).isBetween(1_990L, 2_010L);
        assertThat(all.postMicros().getValueAtPercentile(99.9)).isBetween(39_900L, 40_100L);
        assertThat(all.lateMicros().getTotalCount()).isEqualTo(1_000);
        // the rounds themselves are unchanged
        assertThat(slow.postMicros().getTotalCount()).isEqualTo(10);
        assertThat(fast.postMicros().getTotalCount()).isEqualTo(990);
    }
}
