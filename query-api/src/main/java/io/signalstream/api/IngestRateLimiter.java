package io.signalstream.api;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per tenant for {@code POST /v1/messages}: {@code ratePerSecond} messages a second
 * on average, bursts up to {@code burst}. One tenant's flood answers 429 to that tenant only.
 */
final class IngestRateLimiter {

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    IngestRateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("ingest rate must be positive and burst at least 1");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.clock = nanoClock;
    }

    /** Takes one token; empty when taken, else how long until one is free. */
    Optional<Duration> acquire(String tenant) {
        long now = clock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(tenant, t -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens =
                    Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * ratePerNano);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(
                    Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / ratePerNano)));
        }
    }
}
