package io.signalstream.job.analytics;

import java.time.Duration;
import java.util.Locale;

/**
 * The analytics buckets: tumbling windows in event time (UTC), each kept open for late messages for
 * its allowed lateness after it ends; a message later than that is counted as dropped.
 */
public enum Granularity {
    MINUTE(Duration.ofMinutes(1), Duration.ofHours(2)),
    HOUR(Duration.ofHours(1), Duration.ofDays(2)),
    DAY(Duration.ofDays(1), Duration.ofDays(8));

    private final long sizeMs;
    private final long latenessMs;

    Granularity(Duration size, Duration lateness) {
        this.sizeMs = size.toMillis();
        this.latenessMs = lateness.toMillis();
    }

    public long sizeMs() {
        return sizeMs;
    }

    public long latenessMs() {
        return latenessMs;
    }

    /** The start of the bucket holding {@code atMs}. */
    public long start(long atMs) {
        return Math.floorDiv(atMs, sizeMs) * sizeMs;
    }

    /** Whether the bucket starting at {@code start} still takes messages at {@code nowMs}. */
    public boolean open(long start, long nowMs) {
        return start + sizeMs + latenessMs > nowMs;
    }

    /** The bit of {@link io.signalstream.job.records.AnalyticsEvent#firstIn()} for this one. */
    public int bit() {
        return 1 << ordinal();
    }

    /** A bucket's state key: its start (a whole number of minutes) plus the granularity. */
    public long key(long start) {
        return start + ordinal();
    }

    public static Granularity ofKey(long key) {
        return values()[(int) Math.floorMod(key, 60_000L)];
    }

    public static long startOfKey(long key) {
        return key - Math.floorMod(key, 60_000L);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
