package io.signalstream.job.agents;

import io.opentelemetry.api.trace.SpanKind;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.Tracing;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** The agents' span of a request: a child of its message's ingest span. */
public final class AgentSpans {

    private AgentSpans() {}

    /** Starts the span of {@code request} answered by {@code provider}; the caller ends it. */
    public static Tracing.Span start(Tracing tracing, AgentRequest request, String provider) {
        InboundMessage message = request.message();
        // The name is built only for a span that is recorded: this runs for every request.
        String name =
                tracing.on()
                        ? "agents " + request.kind().name().toLowerCase(Locale.ROOT)
                        : "agents";
        return tracing.start(
                        name, SpanKind.INTERNAL, message == null ? null : message.traceparent())
                .set(Tracing.TENANT, request.tenantId())
                .set(Tracing.CONVERSATION, request.conversationId())
                .set(Tracing.MESSAGE, message == null ? null : message.messageId())
                .set("signalstream.provider", provider)
                .set("signalstream.seq", request.seq());
    }

    /** Ends {@code span} with who answered (and why not, when a part failed or fell back). */
    public static void end(Tracing.Span span, AgentResults results) {
        if (span.recorded()) { // this runs for every request
            span.set(
                    "signalstream.answered_by",
                    results.runs().stream()
                            .map(AgentRun::provider)
                            .filter(Objects::nonNull)
                            .distinct()
                            .collect(Collectors.joining(",")));
        }
        if (results.deadLetter() != null) {
            span.failed(results.deadLetter());
        }
        span.end();
    }
}
