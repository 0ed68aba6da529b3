package io.signalstream.job.agents.local;

import io.signalstream.job.agents.AgentSpans;
import io.signalstream.job.config.JobTracing;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.model.AgentKind;
import io.signalstream.model.Tracing;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The local provider's one call per message: every offline agent answers together, on the task
 * thread (they take microseconds). A failing agent never fails the job: the request is answered
 * without the parts, each agent's run says what went wrong, and the request is dead-lettered.
 */
public final class LocalCallFunction extends RichAsyncFunction<AgentRequest, AgentResults> {
    private static final long serialVersionUID = 1L;

    private final int window;
    private final String otlpEndpoint;
    private transient Tracing tracing;
    private transient LocalAgents agents;
    private transient Counter calls;
    private transient Counter failures;
    private transient Histogram latency;

    /**
     * @param otlpEndpoint where the agents' spans go; null for none
     */
    public LocalCallFunction(int window, String otlpEndpoint) {
        this.window = window;
        this.otlpEndpoint = otlpEndpoint;
    }

    @Override
    public void open(OpenContext openContext) {
        agents = new LocalAgents(window);
        Languages.shared(); // read the language model here, not on the first message
        calls = getRuntimeContext().getMetricGroup().counter("agentCalls");
        failures = getRuntimeContext().getMetricGroup().counter("agentFailures");
        latency =
                getRuntimeContext()
                        .getMetricGroup()
                        .histogram("agentLatencyMs", new DescriptiveStatisticsHistogram(1000));
        tracing = JobTracing.acquire(otlpEndpoint);
    }

    @Override
    public void close() {
        tracing = JobTracing.release(otlpEndpoint, tracing);
    }

    @Override
    public void asyncInvoke(AgentRequest request, ResultFuture<AgentResults> result) {
        if (request.kind() != AgentRequest.Kind.MESSAGE) {
            result.complete(List.of(AgentResults.none(request)));
            return;
        }
        calls.inc();
        long started = System.nanoTime();
        Tracing.Span span = AgentSpans.start(tracing, request, LocalAgents.PROVIDER);
        AgentResults answer;
        try {
            answer = agents.answer(request);
        } catch (RuntimeException e) {
            failures.inc();
            answer = failed(request, e);
        }
        AgentSpans.end(span, answer);
        latency.update((System.nanoTime() - started) / 1_000_000);
        result.complete(List.of(answer));
    }

    /** No part, each agent's run naming the error, and a reason for the dead-letter topic. */
    private static AgentResults failed(AgentRequest request, RuntimeException e) {
        String error =
                "local agents failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
        List<AgentRun> runs =
                List.of(AgentKind.values()).stream()
                        .map(
                                kind ->
                                        new AgentRun(
                                                kind,
                                                request.seq(),
                                                null,
                                                LocalAgents.MODEL,
                                                0,
                                                1,
                                                error))
                        .toList();
        return new AgentResults(request, null, null, null, null, null, runs, null, error);
    }
}
