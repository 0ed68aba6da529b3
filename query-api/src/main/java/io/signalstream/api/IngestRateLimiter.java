package io.signalstream.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per tenant for {@code POST /v1/messages}: {@code ratePerSecond} messages a second
 * on average, bursts up to {@code burst}. One tenant's flood answers 429 to that tenant only. As a
 * filter (after {@link Auth}) it answers before the body is read.
 */
final class IngestRateLimiter implements Filter {

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    private final double ratePerSecond;
    private final double ratePerNano;
    private final double burst;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    IngestRateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("ingest rate must be positive and burst at least 1");
        }
        this.ratePerSecond = ratePerSecond;
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

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.prologue().method() != Method.POST || !req.path().path().equals("/v1/messages")) {
            chain.proceed();
            return;
        }
        Optional<Duration> wait = acquire(Auth.tenant(req));
        if (wait.isEmpty()) {
            chain.proceed();
            return;
        }
        long seconds = Math.max(1, (long) Math.ceil(wait.get().toMillis() / 1000.0));
        res.headers().set(HeaderNames.RETRY_AFTER, Long.toString(seconds));
        Problems.send(
                res,
                Status.TOO_MANY_REQUESTS_429,
                "Too Many Requests",
                "This tenant is posting faster than its limit of "
                        + (long) ratePerSecond
                        + " messages a second; nothing was accepted. Retry after "
                        + seconds
                        + " s with the same message_id.");
    }
}
