package io.signalstream.job.agents.gemini;

import io.signalstream.job.JobConfig;
import io.signalstream.job.agents.Agent;
import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.agents.AgentOutcome;
import io.signalstream.job.agents.Agents;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.RecentMessage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls Gemini for planned {@link LlmTask}s and turns each answer into the agents' results.
 *
 * <ul>
 *   <li><b>Coalescing.</b> At most one call per conversation is queued or in flight. A task that
 *       arrives meanwhile waits as the conversation's single pending task; a newer one replaces it
 *       (the replaced one completes empty: the newer state covers its messages).
 *   <li><b>Budget.</b> Calls wait in a {@link FairRateLimiter} holding this subtask's share of
 *       {@code GEMINI_RPM_LIMIT}, tenants taking turns; a {@code Retry-After} pauses it.
 *   <li><b>Answers.</b> Checked against the schema; an invalid answer is asked for once more, then
 *       the local provider answers with {@code provider: local-fallback} and the reason, which also
 *       goes to the dead-letter topic. Errors (429, 5xx, network) fail the outcome so the
 *       operator's retry strategy calls again with back-off; the last attempt, or the operator's
 *       timeout, falls back the same way. The job never fails because of the model.
 * </ul>
 */
public final class GeminiCallFunction extends RichAsyncFunction<LlmTask, AgentOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GeminiCallFunction.class);

    public static final String PROVIDER = "gemini";
    public static final String FALLBACK_PROVIDER = "local-fallback";

    /** The part of each subtask's share of {@code GEMINI_RPM_LIMIT} the limiter hands out. */
    public static final double HEADROOM = 0.99;

    private final JobConfig config;

    private transient GeminiTransport transport;
    private transient FairRateLimiter limiter;
    private transient Map<Boolean, Prompt> prompts;
    private transient AnswerParser parser;
    private transient Map<AgentKind, Agent> fallbacks;

    /** Per conversation: the call queued or in flight, and the one task waiting behind it. */
    private transient Map<String, Slot> slots;

    /** Calls made so far per element, across the retry strategy's attempts. */
    private transient Map<ResultFuture<AgentOutcome>, Integer> attempts;

    private transient Metrics metrics;

    public GeminiCallFunction(JobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        GeminiConfig gemini = config.gemini();
        gemini.check();
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        // One percent of headroom: requests reach the server a few milliseconds apart from when
        // they were released, and a budget used to the last request would then draw a 429.
        double share =
                HEADROOM
                        * gemini.rpmLimit()
                        * (Agents.piiViaGemini(config) ? 1 - Agents.PII_SHARE : 1)
                        / subtasks;
        limiter = FairRateLimiter.start(share, "gemini-budget-" + subtask);
        metrics = new Metrics(getRuntimeContext().getMetricGroup().addGroup("gemini"), limiter);
        transport =
                new GeminiTransport(
                        gemini,
                        config.agentCapacity(),
                        gemini.requestTimeout(),
                        retryAfter -> {
                            metrics.throttled.inc();
                            if (retryAfter != null) {
                                limiter.pause(retryAfter);
                            }
                        });
        prompts = Map.of(true, Prompt.load(Prompt.ANALYSIS), false, Prompt.load(Prompt.SUMMARY));
        parser = new AnswerParser();
        fallbacks = new EnumMap<>(AgentKind.class);
        for (AgentKind kind : LlmTask.ANALYSIS_AGENTS) {
            fallbacks.put(kind, Agents.local(kind));
        }
        slots = new HashMap<>();
        attempts = new IdentityHashMap<>();
        LOG.info(
                "Gemini subtask {} of {}: {} requests per minute of {}, model {}",
                subtask + 1,
                subtasks,
                String.format("%.1f", share),
                gemini.rpmLimit(),
                gemini.model());
    }

    @Override
    public void close() {
        if (limiter != null) {
            limiter.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    @Override
    public void asyncInvoke(LlmTask task, ResultFuture<AgentOutcome> resultFuture) {
        Call call;
        synchronized (slots) {
            int attempt = attempts.merge(resultFuture, 1, Integer::sum);
            if (attempt > 1) {
                metrics.retries.inc();
            }
            call = new Call(task, resultFuture, attempt);
            Slot slot = slots.computeIfAbsent(task.key(), k -> new Slot());
            if (slot.active != null) {
                Call waiting = slot.pending;
                if (waiting != null) {
                    // The newer of the two answers both; the other completes with nothing to add.
                    Call older = waiting.task.seq() <= task.seq() ? waiting : call;
                    Call newer = older == waiting ? call : waiting;
                    newer.task = older.task.mergedInto(newer.task);
                    complete(older, List.of());
                    metrics.coalesced.inc();
                    slot.pending = newer;
                } else {
                    slot.pending = call;
                }
                return;
            }
            slot.active = call;
        }
        queue(call);
    }

    @Override
    public void timeout(LlmTask task, ResultFuture<AgentOutcome> resultFuture) {
        // The operator's timeout spans every attempt and the wait for budget: this is final.
        Call timedOut = null;
        synchronized (slots) {
            Slot slot = slots.get(task.key());
            if (slot != null && slot.pending != null && slot.pending.result == resultFuture) {
                timedOut = slot.pending;
                slot.pending = null;
            } else if (slot != null && slot.active != null && slot.active.result == resultFuture) {
                timedOut = slot.active;
            }
        }
        if (timedOut == null) {
            timedOut = new Call(task, resultFuture, 0);
        } else if (timedOut.ticket != null) {
            limiter.cancel(timedOut.ticket);
        }
        fallBack(
                timedOut,
                "no valid answer from "
                        + config.gemini().model()
                        + " within "
                        + config.agentTimeout().toMillis()
                        + " ms ("
                        + timedOut.requests
                        + " requests)");
    }

    private void queue(Call call) {
        call.ticket = limiter.submit(call.task.update().state().tenantId(), () -> send(call));
    }

    private void send(Call call) {
        synchronized (slots) {
            if (call.finished) {
                return;
            }
            call.requests++;
        }
        metrics.requests.inc();
        long started = System.nanoTime();
        Prompt prompt = prompts.get(call.task.analysis());
        try {
            transport
                    .generate(prompt, transcript(call.task.update()))
                    .whenComplete(
                            (answer, error) -> {
                                long ms = (System.nanoTime() - started) / 1_000_000;
                                metrics.latency.update(ms);
                                call.latencyMs += ms;
                                if (error != null) {
                                    failed(call, describe(error));
                                } else {
                                    answered(call, prompt, answer);
                                }
                            });
        } catch (RuntimeException e) {
            failed(call, describe(e));
        }
    }

    private void answered(Call call, Prompt prompt, GeminiTransport.Answer answer) {
        call.inputTokens += answer.inputTokens();
        call.outputTokens += answer.outputTokens();
        metrics.inputTokens.inc(answer.inputTokens());
        metrics.outputTokens.inc(answer.outputTokens());
        Map<AgentKind, AgentOutput> outputs;
        try {
            outputs = parser.parse(answer.text(), call.task.agents());
        } catch (AnswerParser.InvalidAnswer e) {
            metrics.invalid.inc();
            String reason =
                    (answer.truncated()
                                    ? "truncated answer (max output tokens): "
                                    : "invalid answer: ")
                            + e.getMessage();
            if (call.requests < 2) {
                LOG.debug("Asking {} again for {}: {}", prompt.version(), call.task.key(), reason);
                queue(call);
            } else {
                fallBack(call, reason + " (after " + call.requests + " requests)");
            }
            return;
        }
        LlmUsage usage =
                new LlmUsage(
                        prompt.version(),
                        call.id,
                        call.inputTokens,
                        call.outputTokens,
                        call.requests,
                        null);
        List<AgentOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<AgentKind, AgentOutput> e : outputs.entrySet()) {
            outcomes.add(
                    AgentOutcome.success(
                            event(
                                    call,
                                    e.getKey(),
                                    PROVIDER,
                                    config.gemini().model(),
                                    e.getValue(),
                                    usage)));
        }
        finish(call, outcomes);
    }

    private void failed(Call call, String reason) {
        if (call.attempt >= config.agentMaxAttempts()) {
            fallBack(
                    call,
                    reason
                            + " (attempt "
                            + call.attempt
                            + " of "
                            + config.agentMaxAttempts()
                            + ")");
        } else {
            finish(
                    call,
                    List.of(
                            AgentOutcome.failure(
                                    call.task.agents().get(0), call.task.update(), reason)));
        }
    }

    /** The local provider answers instead; the reason goes with the results and to the DLQ. */
    private void fallBack(Call call, String reason) {
        synchronized (slots) {
            if (call.finished) {
                return;
            }
        }
        metrics.fallbacks.inc();
        LOG.warn("Gemini fell back to local rules for {}: {}", call.task.key(), reason);
        LlmUsage usage =
                new LlmUsage(
                        prompts.get(call.task.analysis()).version(),
                        call.id,
                        call.inputTokens,
                        call.outputTokens,
                        call.requests,
                        reason);
        ConversationUpdate update = call.task.update();
        List<AgentOutcome> outcomes = new ArrayList<>();
        for (AgentKind kind : call.task.agents()) {
            Agent local = fallbacks.get(kind);
            if (!local.appliesTo(update)) {
                continue;
            }
            AgentOutput output = local.analyze(update).join();
            AgentEvent event = event(call, kind, FALLBACK_PROVIDER, local.model(), output, usage);
            outcomes.add(AgentOutcome.fallback(event, reason, outcomes.isEmpty() ? update : null));
        }
        finish(call, outcomes);
    }

    private AgentEvent event(
            Call call,
            AgentKind kind,
            String provider,
            String model,
            AgentOutput output,
            LlmUsage usage) {
        return AgentEvent.of(
                call.task.update(), kind, provider, model, call.latencyMs, output, usage);
    }

    /** Completes {@code call} once and starts the conversation's pending task, if any. */
    private void finish(Call call, List<AgentOutcome> outcomes) {
        Call next = null;
        synchronized (slots) {
            if (call.finished) {
                return;
            }
            boolean willRetry = outcomes.stream().anyMatch(AgentOutcome::failed);
            complete(call, outcomes);
            if (!willRetry) {
                attempts.remove(call.result);
            }
            Slot slot = slots.get(call.task.key());
            if (slot != null && slot.active == call) {
                slot.active = slot.pending;
                slot.pending = null;
                next = slot.active;
                if (next == null) {
                    slots.remove(call.task.key());
                }
            }
        }
        if (next != null) {
            queue(next);
        }
    }

    /** Caller holds the slots lock. */
    private void complete(Call call, List<AgentOutcome> outcomes) {
        call.finished = true;
        if (outcomes.isEmpty()) {
            attempts.remove(call.result);
        }
        call.result.complete(outcomes);
    }

    /** The conversation as the model sees it: redacted messages, oldest first, tagged by sender. */
    static String transcript(ConversationUpdate update) {
        StringBuilder text = new StringBuilder("Transcript:\n");
        for (RecentMessage m : update.state().recentMessages()) {
            text.append('[')
                    .append(m.sender().name().toLowerCase(java.util.Locale.ROOT))
                    .append("] ")
                    .append(m.message().replace('\n', ' '))
                    .append('\n');
        }
        return text.toString();
    }

    private static String describe(Throwable error) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "…";
        }
        return "gemini call failed: " + cause.getClass().getSimpleName() + message;
    }

    /** One element's call: the task, its result future, and what it has cost so far. */
    private static final class Call {
        final String id = UUID.randomUUID().toString();
        final ResultFuture<AgentOutcome> result;
        final int attempt;
        LlmTask task;
        FairRateLimiter.Ticket ticket;
        int requests;
        long latencyMs;
        long inputTokens;
        long outputTokens;
        boolean finished;

        Call(LlmTask task, ResultFuture<AgentOutcome> result, int attempt) {
            this.task = task;
            this.result = result;
            this.attempt = attempt;
        }
    }

    private static final class Slot {
        Call active;
        Call pending;
    }

    /** The provider's Flink metrics, under the operator's {@code gemini} group. */
    private static final class Metrics {
        final Counter requests;
        final Counter inputTokens;
        final Counter outputTokens;
        final Counter throttled;
        final Counter retries;
        final Counter invalid;
        final Counter fallbacks;
        final Counter coalesced;
        final Histogram latency;

        Metrics(MetricGroup group, FairRateLimiter limiter) {
            requests = group.counter("requests");
            inputTokens = group.counter("inputTokens");
            outputTokens = group.counter("outputTokens");
            throttled = group.counter("throttled");
            retries = group.counter("retries");
            invalid = group.counter("invalidAnswers");
            fallbacks = group.counter("fallbacks");
            coalesced = group.counter("coalesced");
            latency = group.histogram("latencyMs", new DescriptiveStatisticsHistogram(1000));
            group.gauge("waitingForBudget", limiter::waiting);
        }
    }
}
