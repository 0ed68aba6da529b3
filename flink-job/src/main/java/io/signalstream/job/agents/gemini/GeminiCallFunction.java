package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.signalstream.job.agents.AgentSpans;
import io.signalstream.job.agents.local.LocalAgents;
import io.signalstream.job.config.AgentSettings;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.config.GeminiSettings;
import io.signalstream.job.config.JobTracing;
import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.model.AgentKind;
import io.signalstream.model.Json;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.Tracing;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gemini provider's async calls, glue around plain parts: {@link Coalescer} (one call per
 * conversation queued or in flight), {@link FairRateLimiter} (this subtask's share of the budget,
 * tenants taking turns, paused by a {@code Retry-After}), {@link GeminiTransport} (the SDK) and
 * {@link ModelAnswers} (answer, fallback or failed attempt).
 *
 * <ul>
 *   <li>A {@code MESSAGE} request is answered at once with the local PII part, so personal data
 *       never waits for the model (with {@code GEMINI_PII} it waits for the model's PII call).
 *   <li>{@code ANALYSIS} and {@code SUMMARY} requests call the model. Errors (429, 5xx, network)
 *       fail the attempt, which the operator's retry strategy repeats with back-off; an invalid
 *       answer is asked for once more; the last attempt, the operator's timeout, or a full queue
 *       falls back to the local agents with the reason. The job never fails because of the model.
 *   <li>Calls waiting for budget are bounded ({@link #MAX_WAITING} per subtask, below the
 *       operator's capacity): beyond it a new call falls back at once, so waiting calls never fill
 *       the async operator and hold back the messages' local parts.
 * </ul>
 */
public final class GeminiCallFunction extends RichAsyncFunction<AgentRequest, AgentResults>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GeminiCallFunction.class);

    /** The part of each subtask's share of {@code GEMINI_RPM_LIMIT} the limiter hands out. */
    public static final double HEADROOM = 0.98;

    /** The part of {@code GEMINI_RPM_LIMIT} PII requests get when {@code GEMINI_PII} is on. */
    public static final double PII_SHARE = 0.5;

    /** Requests in the async operator at once: room for every waiting call and the messages. */
    public static final int CAPACITY = 2_000;

    /** Model calls (and with {@code GEMINI_PII}, messages) that may wait for budget per subtask. */
    public static final int MAX_WAITING = CAPACITY / 2;

    private final GeminiSettings gemini;
    private final AgentSettings agents;
    private final int window;
    private final String phoneRegion;

    private transient GeminiTransport transport;
    private transient FairRateLimiter limiter;
    private transient ModelPii pii;
    private transient Map<AgentRequest.Kind, Prompt> prompts;
    private transient List<Part> routedParts;
    private transient LocalAgents local;
    private transient ModelAnswers answers;
    private transient Coalescer coalescer;

    /** Per element: the attempts made so far and the current call. Guarded by {@code coalescer}. */
    private transient Map<ResultFuture<AgentResults>, Call> calls;

    private transient Metrics metrics;
    private transient Map<String, Long> promptTokens;
    private transient TokenLedger ledger;
    private transient ListState<String> budgetState;
    private transient List<String> restoredBudgets;

    /** Answers loaded from {@code support.llm.answers} and not used yet, at most this many. */
    public static final int MAX_CACHED_ANSWERS = 10_000;

    private final KafkaSettings kafka;
    private final String otlpEndpoint;
    private transient AnswerCache cache;
    private transient Tracing tracing;

    /**
     * @param kafka where answers are kept for a restart to re-use; null for nowhere
     * @param otlpEndpoint where the agents' and model requests' spans go; null for none
     */
    public GeminiCallFunction(
            GeminiSettings gemini,
            AgentSettings agents,
            ConversationSettings conversations,
            KafkaSettings kafka,
            String otlpEndpoint) {
        this.otlpEndpoint = otlpEndpoint;
        this.gemini = gemini;
        this.agents = agents;
        this.window = conversations.window();
        this.phoneRegion = conversations.phoneRegion();
        this.kafka = kafka;
    }

    @Override
    public void open(OpenContext openContext) {
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        // Two percent of headroom: requests reach the server later than they were released, the
        // first on a new connection up to a second later, and a budget used to the last request
        // would then draw a 429 a minute after it (one per subtask in the bench at 99 %).
        double budget = HEADROOM * gemini.rpmLimit() / subtasks;
        double share = gemini.piiViaGemini() ? budget * (1 - PII_SHARE) : budget;
        limiter = FairRateLimiter.start(share, "gemini-budget-" + subtask);
        ledger = new TokenLedger(gemini.budgets(), 1.0 / subtasks, System::currentTimeMillis);
        if (restoredBudgets != null) {
            ledger.restore(restoredBudgets);
            restoredBudgets = null;
        }
        metrics = new Metrics(getRuntimeContext().getMetricGroup().addGroup("gemini"), limiter);
        tracing = JobTracing.acquire(otlpEndpoint);
        transport =
                new GeminiTransport(
                        gemini,
                        agents.capacity(),
                        gemini.requestTimeout(),
                        pause -> {
                            metrics.throttled.inc();
                            limiter.pause(pause);
                        },
                        tracing);
        if (gemini.piiViaGemini()) {
            pii =
                    new ModelPii(
                            gemini,
                            agents.capacity(),
                            budget * PII_SHARE,
                            "gemini-pii-budget-" + subtask);
        }
        Prompt analysis = Prompt.load(Prompt.ANALYSIS);
        prompts =
                Map.of(
                        AgentRequest.Kind.ANALYSIS,
                        analysis,
                        AgentRequest.Kind.SUMMARY,
                        Prompt.load(Prompt.SUMMARY));
        routedParts =
                gemini.routed()
                        ? List.of(
                                new Part(Prompt.part(analysis, Prompt.SIGNALS), gemini.modelFast()),
                                new Part(Prompt.part(analysis, Prompt.WRITEUP), gemini.model()))
                        : List.of();
        local = new LocalAgents(window);
        PiiDetector detector = new PiiDetector(phoneRegion);
        answers = new ModelAnswers(local, detector, gemini.model());
        cache = AnswerCache.open(kafka, gemini.answerCacheLookback(), MAX_CACHED_ANSWERS, detector);
        coalescer = new Coalescer();
        promptTokens = new ConcurrentHashMap<>();
        calls = new IdentityHashMap<>();
        LOG.info(
                "Gemini subtask {} of {}: {} requests per minute of {}, model {}",
                subtask + 1,
                subtasks,
                String.format(Locale.ROOT, "%.1f", share),
                gemini.rpmLimit(),
                gemini.model());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: after a change of parallelism each subtask sees every entry and takes its
        // share of each tenant's day.
        budgetState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("token-budget-day", String.class));
        if (context.isRestored()) {
            restoredBudgets = new ArrayList<>();
            budgetState.get().forEach(restoredBudgets::add);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        budgetState.update(ledger == null ? List.of() : ledger.snapshot());
    }

    @Override
    public void close() {
        if (limiter != null) {
            limiter.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (pii != null) {
            pii.close();
        }
        if (cache != null) {
            cache.close();
        }
        tracing = JobTracing.release(otlpEndpoint, tracing);
    }

    @Override
    public void asyncInvoke(AgentRequest request, ResultFuture<AgentResults> result) {
        switch (request.kind()) {
            case EXPIRE, ERASE -> result.complete(List.of(AgentResults.none(request)));
            case MESSAGE ->
                    message(
                            request,
                            AgentSpans.start(
                                    tracing,
                                    request,
                                    pii == null ? LocalAgents.PROVIDER : ModelAnswers.PROVIDER),
                            result);
            case ANALYSIS, SUMMARY ->
                    modelCall(
                            request,
                            AgentSpans.start(tracing, request, ModelAnswers.PROVIDER),
                            result);
        }
    }

    @Override
    public void timeout(AgentRequest request, ResultFuture<AgentResults> result) {
        // The operator's timeout spans every attempt and the wait for budget: this is final.
        Call timedOut;
        synchronized (coalescer) {
            timedOut = calls.get(result);
            if (timedOut != null) {
                coalescer.withdraw(timedOut);
            }
        }
        if (request.kind() == AgentRequest.Kind.MESSAGE) {
            result.complete(List.of(localPart(request, null, "model PII timed out")));
            return;
        }
        if (timedOut == null || timedOut.finished) {
            // Between attempts (the last one failed, the retry not yet made): answer for it.
            Call last = timedOut;
            timedOut = new Call(request, result, last == null ? 0 : last.attempt);
            if (last != null) {
                timedOut.requests = last.requests;
                timedOut.latencyMs = last.latencyMs;
            }
        } else if (timedOut.ticket != null) {
            limiter.cancel(timedOut.ticket);
        }
        fallBack(
                timedOut,
                "no valid answer from "
                        + gemini.model()
                        + " within "
                        + agents.timeout().toMillis()
                        + " ms ("
                        + timedOut.requests
                        + " requests)");
    }

    // --- a message: the local part, now ----------------------------------------------------------

    private void message(
            AgentRequest request, Tracing.Span span, ResultFuture<AgentResults> result) {
        if (pii == null) {
            done(span, result, localPart(request, null, null));
            return;
        }
        if (pii.waiting() >= MAX_WAITING) {
            metrics.fallbacks.inc();
            done(span, result, localPart(request, null, "model queue full"));
            return;
        }
        long started = System.nanoTime();
        pii.find(request.message())
                .whenComplete(
                        (found, error) -> {
                            metrics.latency.update((System.nanoTime() - started) / 1_000_000);
                            done(
                                    span,
                                    result,
                                    error == null
                                            ? localPart(request, found, null)
                                            : localPart(
                                                    request,
                                                    null,
                                                    "model PII failed: " + describe(error)));
                        });
    }

    /**
     * The PII part of a new message: the local detector's findings across the conversation, plus
     * what the model found in this message when it was asked; {@code failure} when it was asked and
     * did not answer.
     */
    private AgentResults localPart(AgentRequest request, ModelPii.Found found, String failure) {
        PiiResult part = local.pii(request.context(), request.message());
        String provider = LocalAgents.PROVIDER;
        String model = LocalAgents.MODEL;
        if (found != null) {
            List<PiiEntity> entities = new ArrayList<>(part.entities());
            entities.addAll(found.entities());
            part =
                    new PiiResult(
                            part.hasPii() || !found.entities().isEmpty(),
                            List.copyOf(entities),
                            found.redacted());
            provider = ModelAnswers.PROVIDER;
            model = gemini.model();
        } else if (failure != null) {
            provider = ModelAnswers.FALLBACK_PROVIDER;
        }
        AgentRun run = new AgentRun(AgentKind.PII, request.seq(), provider, model, 0, 1, failure);
        return new AgentResults(request, null, part, null, null, null, List.of(run), null, failure);
    }

    // --- a model call ----------------------------------------------------------------------------

    private void modelCall(
            AgentRequest request, Tracing.Span span, ResultFuture<AgentResults> result) {
        String old = olderThanHorizon(request, System.currentTimeMillis());
        if (old != null) {
            metrics.replayed.inc();
            done(
                    span,
                    result,
                    answers.instead(
                            new Call(request, result, 1), old, ModelAnswers.REPLAY_PROVIDER));
            return;
        }
        AgentResults kept = fromCache(request, result);
        if (kept != null) {
            done(span.set("signalstream.kept_answer", 1), result, kept);
            return;
        }
        Call call;
        Coalescer.Admission admission;
        synchronized (coalescer) {
            Call previous = calls.get(result);
            int attempt = previous == null ? 1 : previous.attempt + 1;
            call = new Call(request, result, attempt);
            call.span = span.set("signalstream.attempt", attempt);
            if (attempt > 1) {
                metrics.retries.inc();
                // What earlier attempts paid for (a routed call's answered part) stays counted.
                call.inputTokens = previous.inputTokens;
                call.outputTokens = previous.outputTokens;
            }
            calls.put(result, call);
            int waiting = limiter.waiting() + coalescer.pending();
            if (attempt == 1 && waiting >= MAX_WAITING) {
                admission = null;
            } else {
                admission = coalescer.submit(call);
                if (admission.replaced() != null) {
                    complete(admission.replaced(), AgentResults.none(admission.replaced().request));
                    metrics.coalesced.inc();
                }
            }
        }
        if (admission == null) {
            fallBack(call, "model queue full: " + MAX_WAITING + " calls waiting for budget");
        } else if (admission.start()) {
            queue(call);
        }
    }

    private void queue(Call call) {
        call.ticket = limiter.submit(call.request.tenantId(), () -> send(call));
    }

    /** One request of a call: the prompt it is asked under and the model that answers it. */
    private record Part(Prompt prompt, String model) {}

    /**
     * The requests a call makes: one, or with {@code GEMINI_MODEL_FAST} two for an analysis (the
     * fast model's sentiment and insights, the stronger model's summary and reply, in parallel).
     */
    private List<Part> parts(AgentRequest request) {
        if (gemini.routed() && request.kind() == AgentRequest.Kind.ANALYSIS) {
            return routedParts;
        }
        return List.of(new Part(prompts.get(request.kind()), gemini.model()));
    }

    private void send(Call call) {
        synchronized (coalescer) {
            if (call.finished) {
                return;
            }
        }
        List<Part> parts = parts(call.request);
        String contents = ModelTranscript.of(call.request.transcript(), gemini.promptTokens());
        String tenant = call.request.tenantId();
        long most = 0;
        for (Part part : parts) {
            most += maxTokens(part.prompt(), contents);
        }
        TokenLedger.Reservation reservation = ledger.reserve(tenant, most);
        if (reservation.refused != null) {
            overBudget(call, reservation.refused);
            return;
        }
        synchronized (coalescer) {
            call.requests += parts.size();
        }
        metrics.total.requests.inc(parts.size());
        metrics.tenant(tenant).requests.inc(parts.size());
        long started = System.nanoTime();
        List<CompletableFuture<GeminiTransport.Answer>> sent = new ArrayList<>(parts.size());
        try {
            for (Part part : parts) {
                metrics.model(part.model()).requests.inc();
                sent.add(
                        transport.generate(
                                part.prompt(), contents, part.model(), call.traceparent()));
            }
        } catch (RuntimeException e) {
            sent.forEach(f -> f.cancel(false));
            ledger.settle(reservation, 0);
            failed(call, describe(e));
            return;
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .whenComplete(
                        (ignored, error) -> {
                            List<GeminiTransport.Answer> answered = new ArrayList<>(sent.size());
                            long used = 0;
                            for (CompletableFuture<GeminiTransport.Answer> f : sent) {
                                GeminiTransport.Answer a =
                                        f.isCompletedExceptionally() ? null : f.getNow(null);
                                answered.add(a);
                                used += a == null ? 0 : a.inputTokens() + a.outputTokens();
                            }
                            ledger.settle(reservation, used);
                            long ms = (System.nanoTime() - started) / 1_000_000;
                            metrics.latency.update(ms);
                            call.latencyMs += ms;
                            // Every answered part is paid for, even when the other failed.
                            for (int i = 0; i < parts.size(); i++) {
                                count(call, parts.get(i), answered.get(i));
                            }
                            if (error != null) {
                                failed(call, describe(error));
                            } else {
                                answered(call, parts, answered);
                            }
                        });
    }

    /**
     * The most a call may cost, reserved before it is sent: its prompt (instruction, schema and
     * contents, estimated by {@link TokenEstimate} with a quarter more for the request's JSON
     * around them) and the whole output cap.
     */
    private long maxTokens(Prompt prompt, String contents) {
        long in =
                promptTokens.computeIfAbsent(prompt.version(), v -> fixedTokens(prompt))
                        + TokenEstimate.of(contents);
        return in + in / 4 + gemini.maxOutputTokens();
    }

    private static long fixedTokens(Prompt prompt) {
        try {
            return TokenEstimate.of(prompt.instruction())
                    + TokenEstimate.of(Json.newMapper().writeValueAsString(prompt.responseSchema()))
                    + 64;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The answer to {@code request} paid for before a restart, if one was kept; else null. */
    private AgentResults fromCache(AgentRequest request, ResultFuture<AgentResults> result) {
        if (cache == null) {
            return null;
        }
        String kept = cache.take(cacheKey(request));
        if (kept == null) {
            return null;
        }
        try {
            AgentResults results =
                    parse(new Call(request, result, 1), List.of(kept.split(PART_SEPARATOR, -1)));
            metrics.cacheHits.inc();
            return results;
        } catch (AnswerParser.InvalidAnswer e) {
            LOG.debug(
                    "kept answer for {} unusable, calling the model: {}",
                    request.key(),
                    e.getMessage());
            return null;
        }
    }

    /** Answers a request that made no model call, and ends its span. */
    private static void done(
            Tracing.Span span, ResultFuture<AgentResults> result, AgentResults results) {
        AgentSpans.end(span, results);
        result.complete(List.of(results));
    }

    /**
     * Why the request's conversation is too old for the model ({@code LLM_REPLAY_HORIZON}): its
     * latest message was written longer ago than the horizon; null when it is not.
     */
    String olderThanHorizon(AgentRequest request, long nowMs) {
        long horizon = gemini.replayHorizon().toMillis();
        if (horizon <= 0) {
            return null;
        }
        long atMs =
                request.message() != null && request.message().timestamp() != null
                        ? request.message().timestamp().toEpochMilli()
                        : request.context() == null
                                ? 0
                                : request.context().times().lastMessageAtMs();
        if (atMs <= 0 || nowMs - atMs <= horizon) {
            return null;
        }
        return "a replay: the message is "
                + Duration.ofMillis(nowMs - atMs).truncatedTo(ChronoUnit.SECONDS)
                + " old, older than LLM_REPLAY_HORIZON ("
                + gemini.replayHorizon()
                + ")";
    }

    private void overBudget(Call call, String reason) {
        synchronized (coalescer) {
            if (call.finished) {
                return;
            }
        }
        metrics.overBudget.inc();
        metrics.tenant(call.request.tenantId()).overBudget.inc();
        LOG.debug("Local agents answer for {}: {}", call.key(), reason);
        finish(call, answers.instead(call, reason, ModelAnswers.BUDGET_PROVIDER));
    }

    /** What an answered part cost, on the call and in the metrics (total, tenant, model). */
    private void count(Call call, Part part, GeminiTransport.Answer answer) {
        if (answer == null) {
            return;
        }
        call.inputTokens += answer.inputTokens();
        call.outputTokens += answer.outputTokens();
        metrics.total.tokens(answer);
        metrics.tenant(call.request.tenantId()).tokens(answer);
        metrics.model(part.model()).tokens(answer);
    }

    private void answered(Call call, List<Part> parts, List<GeminiTransport.Answer> answered) {
        boolean truncated = answered.stream().anyMatch(GeminiTransport.Answer::truncated);
        List<String> texts = answered.stream().map(GeminiTransport.Answer::text).toList();
        AgentResults results;
        try {
            results = parse(call, texts);
            if (cache != null) {
                cache.put(cacheKey(call.request), String.join(PART_SEPARATOR, texts));
            }
        } catch (AnswerParser.InvalidAnswer e) {
            metrics.invalid.inc();
            String reason =
                    (truncated ? "truncated answer (max output tokens): " : "invalid answer: ")
                            + e.getMessage();
            if (call.requests <= parts.size()) {
                LOG.debug("Asking again for {}: {}", call.key(), reason);
                queue(call);
            } else {
                fallBack(call, reason + " (after " + call.requests + " requests)");
            }
            return;
        }
        finish(call, results);
    }

    /** Between the answers of a routed call's parts, as kept in the answer cache. */
    private static final String PART_SEPARATOR = "\u0000";

    /** The results of a call's answers, one per part. */
    private AgentResults parse(Call call, List<String> texts) throws AnswerParser.InvalidAnswer {
        if (texts.size() == 1) {
            return answers.answered(call, texts.get(0));
        }
        if (texts.size() != 2) {
            throw new AnswerParser.InvalidAnswer("kept answer has " + texts.size() + " parts");
        }
        return answers.answered(call, texts.get(0), texts.get(1), gemini.modelFast());
    }

    private String cacheKey(AgentRequest request) {
        List<Part> parts = parts(request);
        return AnswerCache.key(
                request,
                String.join("+", parts.stream().map(p -> p.prompt().version()).toList()),
                String.join("+", parts.stream().map(Part::model).toList()));
    }

    private void failed(Call call, String reason) {
        if (call.attempt >= agents.maxAttempts()) {
            fallBack(
                    call,
                    reason + " (attempt " + call.attempt + " of " + agents.maxAttempts() + ")");
        } else {
            finish(call, answers.failedAttempt(call, reason));
        }
    }

    private void fallBack(Call call, String reason) {
        synchronized (coalescer) {
            if (call.finished) {
                return;
            }
        }
        metrics.fallbacks.inc();
        LOG.warn("Gemini fell back to local rules for {}: {}", call.key(), reason);
        finish(call, answers.fallback(call, reason));
    }

    /** Completes {@code call} once and starts its conversation's pending call, if any. */
    private void finish(Call call, AgentResults results) {
        Call next;
        synchronized (coalescer) {
            if (call.finished) {
                return;
            }
            complete(call, results);
            next = coalescer.finish(call);
        }
        if (next != null) {
            queue(next);
        }
    }

    /** Caller holds the coalescer's lock. */
    private void complete(Call call, AgentResults results) {
        call.finished = true;
        if (call.span != null) {
            AgentSpans.end(
                    call.span
                            .set("signalstream.requests", call.requests)
                            .set("gen_ai.usage.input_tokens", call.inputTokens)
                            .set("gen_ai.usage.output_tokens", call.outputTokens),
                    results);
        }
        if (!results.retryable()) {
            calls.remove(call.result);
        }
        call.result.complete(List.of(results));
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

    /** The provider's Flink metrics, under the operator's {@code gemini} group. */
    private static final class Metrics {
        /** Requests sent and the tokens the model counted: for the operator, a tenant, a model. */
        static class Usage {
            final Counter requests;
            final Counter inputTokens;
            final Counter outputTokens;

            Usage(MetricGroup group) {
                requests = group.counter("requests");
                inputTokens = group.counter("inputTokens");
                outputTokens = group.counter("outputTokens");
            }

            void tokens(GeminiTransport.Answer answer) {
                inputTokens.inc(answer.inputTokens());
                outputTokens.inc(answer.outputTokens());
            }
        }

        /** One tenant's series, with its calls sent to the local agents by its budget. */
        static final class Tenant extends Usage {
            final Counter overBudget;

            Tenant(MetricGroup group) {
                super(group);
                overBudget = group.counter("overBudget");
            }
        }

        final Usage total;
        final Counter throttled;
        final Counter retries;
        final Counter invalid;
        final Counter fallbacks;
        final Counter coalesced;
        final Counter overBudget;
        final Counter replayed;
        final Counter cacheHits;
        final Histogram latency;

        /**
         * Tenants with their own series ({@code gemini_tenant_*{tenant="…"}}), per subtask; later
         * tenants share the series of {@link #OTHER}, so the series stay bounded.
         */
        static final int MAX_TENANTS = 100;

        static final String OTHER = "(other)";

        private final MetricGroup group;
        private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

        /** Each model's series ({@code gemini_model_*{model="…"}}): at most two models. */
        private final Map<String, Usage> models = new ConcurrentHashMap<>();

        Usage model(String name) {
            return models.computeIfAbsent(name, n -> new Usage(group.addGroup("model", n)));
        }

        Tenant tenant(String id) {
            Tenant t = tenants.get(id);
            if (t != null) {
                return t;
            }
            synchronized (tenants) {
                String name = tenants.size() < MAX_TENANTS ? id : OTHER;
                return tenants.computeIfAbsent(name, n -> new Tenant(group.addGroup("tenant", n)));
            }
        }

        Metrics(MetricGroup group, FairRateLimiter limiter) {
            this.group = group;
            total = new Usage(group);
            throttled = group.counter("throttled");
            retries = group.counter("retries");
            invalid = group.counter("invalidAnswers");
            fallbacks = group.counter("fallbacks");
            coalesced = group.counter("coalesced");
            overBudget = group.counter("overBudget");
            replayed = group.counter("replayed");
            cacheHits = group.counter("answersReused");
            latency = group.histogram("latencyMs", new DescriptiveStatisticsHistogram(1000));
            group.gauge("waitingForBudget", limiter::waiting);
        }
    }
}
