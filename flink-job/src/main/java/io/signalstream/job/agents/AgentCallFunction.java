package io.signalstream.job.agents;

import io.signalstream.job.JobConfig;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Calls one agent for each conversation update. The agent is built in {@link #open} (it may hold an
 * HTTP or LLM client) and its future is bridged to Flink's {@link ResultFuture}. Failures and
 * timeouts complete with a failed {@link AgentOutcome}, which the retry strategy at the call site
 * retries and the pipeline then dead-letters.
 */
public final class AgentCallFunction extends RichAsyncFunction<ConversationUpdate, AgentOutcome> {
    private static final long serialVersionUID = 1L;

    private final AgentKind kind;
    private final JobConfig config;
    private transient Agent agent;
    private transient Counter calls;
    private transient Counter failures;
    private transient Histogram latency;

    public AgentCallFunction(AgentKind kind, JobConfig config) {
        this.kind = kind;
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        agent =
                Agents.create(
                        kind,
                        config,
                        getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        calls = getRuntimeContext().getMetricGroup().counter("agentCalls");
        failures = getRuntimeContext().getMetricGroup().counter("agentFailures");
        latency =
                getRuntimeContext()
                        .getMetricGroup()
                        .histogram("agentLatencyMs", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void close() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Override
    public void asyncInvoke(ConversationUpdate update, ResultFuture<AgentOutcome> resultFuture) {
        if (!agent.appliesTo(update)) {
            resultFuture.complete(List.of());
            return;
        }
        calls.inc();
        long started = System.nanoTime();
        CompletableFuture<AgentOutput> call;
        try {
            call = agent.analyze(update);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete(
                (output, error) -> {
                    long latencyMs = (System.nanoTime() - started) / 1_000_000;
                    latency.update(latencyMs);
                    if (error != null || output == null) {
                        failures.inc();
                        resultFuture.complete(
                                List.of(AgentOutcome.failure(kind, update, describe(error))));
                    } else {
                        resultFuture.complete(
                                List.of(AgentOutcome.success(event(update, output, latencyMs))));
                    }
                });
    }

    @Override
    public void timeout(ConversationUpdate update, ResultFuture<AgentOutcome> resultFuture) {
        failures.inc();
        resultFuture.complete(
                List.of(
                        AgentOutcome.failure(
                                kind,
                                update,
                                "agent "
                                        + kind.wireName()
                                        + " timed out after "
                                        + config.agentTimeout().toMillis()
                                        + " ms")));
    }

    private AgentEvent event(ConversationUpdate update, AgentOutput output, long latencyMs) {
        return AgentEvent.of(
                update, kind, agent.provider(output), agent.model(), latencyMs, output, null);
    }

    private String describe(Throwable error) {
        if (error == null) {
            return "agent " + kind.wireName() + " returned no result";
        }
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        return "agent "
                + kind.wireName()
                + " failed: "
                + cause.getClass().getSimpleName()
                + ": "
                + cause.getMessage();
    }
}
