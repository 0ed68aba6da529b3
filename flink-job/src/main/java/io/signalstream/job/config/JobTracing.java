package io.signalstream.job.config;

import io.signalstream.model.Tracing;
import java.util.HashMap;
import java.util.Map;

/**
 * The job's spans ({@code OTEL_EXPORTER_OTLP_ENDPOINT}): one exporter per endpoint in a
 * TaskManager's JVM, shared by every operator that traces and closed (its waiting spans sent) when
 * the last of them closes. Operators take it in {@code open} and give it back in {@code close}:
 * {@code tracing = JobTracing.release(endpoint, tracing)}.
 */
public final class JobTracing {

    /** The {@code service.name} of the job's spans. */
    public static final String SERVICE = "signalstream-job";

    private static final Map<String, Shared> BY_ENDPOINT = new HashMap<>();

    private static final class Shared {
        final Tracing tracing;
        int users;

        Shared(Tracing tracing) {
            this.tracing = tracing;
        }
    }

    private JobTracing() {}

    /** The spans sent to {@code endpoint}; {@link Tracing#OFF} when it is null. */
    public static synchronized Tracing acquire(String endpoint) {
        if (endpoint == null) {
            return Tracing.OFF;
        }
        Shared shared =
                BY_ENDPOINT.computeIfAbsent(endpoint, e -> new Shared(Tracing.otlp(e, SERVICE)));
        shared.users++;
        return shared.tracing;
    }

    /**
     * Gives back {@code held}, what {@link #acquire} gave for {@code endpoint} (nothing when it is
     * null: an operator closed before it opened); returns null, for the caller's field.
     */
    public static synchronized Tracing release(String endpoint, Tracing held) {
        Shared shared = held == null || endpoint == null ? null : BY_ENDPOINT.get(endpoint);
        if (shared != null && --shared.users == 0) {
            BY_ENDPOINT.remove(endpoint);
            shared.tracing.close();
        }
        return null;
    }
}
