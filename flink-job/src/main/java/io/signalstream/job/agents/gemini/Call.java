package io.signalstream.job.agents.gemini;

import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.model.Tracing;
import java.util.UUID;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

/** One model call for one request: the request, where its answer goes, and what it has cost. */
final class Call {
    final String id = UUID.randomUUID().toString();
    final ResultFuture<AgentResults> result;

    /** The async operator's attempt this call belongs to, from 1. */
    final int attempt;

    /** The request; coalescing may widen it to cover an older one it replaced. */
    AgentRequest request;

    FairRateLimiter.Ticket ticket;
    int requests;
    long latencyMs;
    long inputTokens;
    long outputTokens;
    boolean finished;

    /** This attempt's span; null for none. */
    Tracing.Span span;

    Call(AgentRequest request, ResultFuture<AgentResults> result, int attempt) {
        this.request = request;
        this.result = result;
        this.attempt = attempt;
    }

    String key() {
        return request.key();
    }

    /** What a model request of this call continues: its span, else its message's trace. */
    String traceparent() {
        if (span != null) {
            return span.traceparent();
        }
        return request.message() == null ? null : request.message().traceparent();
    }
}
