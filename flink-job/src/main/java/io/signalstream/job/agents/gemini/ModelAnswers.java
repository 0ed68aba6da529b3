package io.signalstream.job.agents.gemini;

import io.signalstream.job.agents.local.Languages;
import io.signalstream.job.agents.local.LocalAgents;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a model's answer to a call, or the lack of one, into the agents' results: the model's parts
 * when its answer follows the schema, the local agents' parts (from the request's context, {@code
 * provider: local-fallback}) when it never did, or a failed attempt for the retry strategy.
 */
final class ModelAnswers {

    static final String PROVIDER = AgentRun.GEMINI;
    static final String FALLBACK_PROVIDER = AgentRun.LOCAL_FALLBACK;
    static final String BUDGET_PROVIDER = AgentRun.LOCAL_BUDGET;
    static final String REPLAY_PROVIDER = AgentRun.LOCAL_REPLAY;

    static final List<AgentKind> ANALYSIS_AGENTS =
            List.of(AgentKind.SENTIMENT, AgentKind.INSIGHTS, AgentKind.SUMMARY, AgentKind.REPLY);
    static final List<AgentKind> SUMMARY_AGENTS = List.of(AgentKind.SUMMARY);

    /** With {@code GEMINI_MODEL_FAST}: what the fast model answers, and the stronger one. */
    static final List<AgentKind> SIGNALS_AGENTS = List.of(AgentKind.SENTIMENT, AgentKind.INSIGHTS);

    static final List<AgentKind> WRITEUP_AGENTS = List.of(AgentKind.SUMMARY, AgentKind.REPLY);

    /** The prompt version a routed analysis records. */
    static final String ROUTED_PROMPTS = Prompt.SIGNALS + "+" + Prompt.WRITEUP;

    private final AnswerParser parser = new AnswerParser();
    private final LocalAgents local;
    private final ModelOutputGuard guard;
    private final String model;

    ModelAnswers(LocalAgents local, PiiDetector pii, String model) {
        this.local = local;
        this.guard = new ModelOutputGuard(pii, local);
        this.model = model;
    }

    static List<AgentKind> agents(AgentRequest.Kind kind) {
        return kind == AgentRequest.Kind.ANALYSIS ? ANALYSIS_AGENTS : SUMMARY_AGENTS;
    }

    static String promptVersion(AgentRequest.Kind kind) {
        return kind == AgentRequest.Kind.ANALYSIS ? Prompt.ANALYSIS : Prompt.SUMMARY;
    }

    /**
     * The model's parts, after the {@link ModelOutputGuard}; an answer that breaks the schema
     * throws, naming the first problem.
     */
    AgentResults answered(Call call, String text) throws AnswerParser.InvalidAnswer {
        List<AgentKind> agents = agents(call.request.kind());
        Map<AgentKind, AgentOutput> parts = parser.parse(text, agents);
        return results(
                call,
                agents,
                kind -> guarded(kind, parts.get(kind), call),
                PROVIDER,
                kind -> model,
                promptVersion(call.request.kind()),
                null);
    }

    /**
     * A routed analysis ({@code GEMINI_MODEL_FAST}): sentiment and insights from {@code
     * fastModel}'s answer, summary and reply from the stronger model's, each run naming its model.
     */
    AgentResults answered(Call call, String signals, String writeup, String fastModel)
            throws AnswerParser.InvalidAnswer {
        Map<AgentKind, AgentOutput> parts = new EnumMap<>(parser.parse(signals, SIGNALS_AGENTS));
        parts.putAll(parser.parse(writeup, WRITEUP_AGENTS));
        return results(
                call,
                ANALYSIS_AGENTS,
                kind -> guarded(kind, parts.get(kind), call),
                PROVIDER,
                kind -> SIGNALS_AGENTS.contains(kind) ? fastModel : model,
                ROUTED_PROMPTS,
                null);
    }

    private AgentOutput guarded(AgentKind kind, AgentOutput output, Call call) {
        if (output == null) {
            return null;
        }
        return switch (kind) {
            case SENTIMENT -> guard.sentiment((SentimentResult) output);
            case INSIGHTS -> guard.insights((InsightsResult) output, call.request);
            case SUMMARY -> guard.summary((SummaryResult) output);
            case REPLY -> guard.reply((ReplyResult) output);
            case PII -> output;
        };
    }

    /** The local agents answer instead; the reason goes with the results and to the DLQ. */
    AgentResults fallback(Call call, String reason) {
        return local(call, reason, FALLBACK_PROVIDER);
    }

    /**
     * The local agents answer by choice, not failure ({@code provider}: {@link #BUDGET_PROVIDER} or
     * {@link #REPLAY_PROVIDER}): the reason goes with the results; nothing goes to the DLQ.
     */
    AgentResults instead(Call call, String reason, String provider) {
        AgentResults r = local(call, reason, provider);
        return new AgentResults(
                r.request(),
                r.sentiment(),
                r.pii(),
                r.insights(),
                r.summary(),
                r.reply(),
                r.runs(),
                r.usage(),
                null);
    }

    private AgentResults local(Call call, String reason, String provider) {
        ConversationContext c = call.request.context();
        long seq = call.request.seq();
        return results(
                call,
                agents(call.request.kind()),
                kind ->
                        switch (kind) {
                            case SENTIMENT -> local.sentiment(c);
                            case INSIGHTS -> local.insights(c, seq);
                            case SUMMARY -> local.summary(c, seq);
                            case REPLY ->
                                    c.latestCustomer() == null
                                            ? null
                                            : local.reply(c.latestCustomer());
                            case PII -> null;
                        },
                provider,
                kind -> LocalAgents.MODEL,
                promptVersion(call.request.kind()),
                reason);
    }

    /** No result: the retry strategy calls again after a back-off. */
    AgentResults failedAttempt(Call call, String reason) {
        List<AgentRun> runs = new ArrayList<>();
        for (AgentKind kind : agents(call.request.kind())) {
            runs.add(
                    new AgentRun(
                            kind,
                            call.request.seq(),
                            null,
                            model,
                            call.latencyMs,
                            call.attempt,
                            reason));
        }
        return new AgentResults(call.request, null, null, null, null, null, runs, null, null);
    }

    private AgentResults results(
            Call call,
            List<AgentKind> agents,
            Function<AgentKind, AgentOutput> part,
            String provider,
            Function<AgentKind, String> answeredBy,
            String promptVersion,
            String reason) {
        LlmUsage usage =
                new LlmUsage(
                        promptVersion,
                        call.id,
                        call.inputTokens,
                        call.outputTokens,
                        call.requests,
                        reason);
        List<AgentRun> runs = new ArrayList<>(agents.size());
        SentimentResult sentiment = null;
        InsightsResult insights = null;
        SummaryResult summary = null;
        ReplyResult reply = null;
        for (AgentKind kind : agents) {
            AgentOutput output = part.apply(kind);
            if (output == null) {
                continue;
            }
            switch (kind) {
                case SENTIMENT -> sentiment = (SentimentResult) output;
                case INSIGHTS ->
                        insights =
                                Languages.shared()
                                        .stamp(
                                                (InsightsResult) output,
                                                call.request.message() == null
                                                        ? null
                                                        : call.request.message().text());
                case SUMMARY -> summary = (SummaryResult) output;
                case REPLY -> reply = (ReplyResult) output;
                case PII -> {}
            }
            runs.add(
                    new AgentRun(
                            kind,
                            call.request.seq(),
                            provider,
                            answeredBy.apply(kind),
                            call.latencyMs,
                            Math.max(1, call.requests),
                            reason));
        }
        return new AgentResults(
                call.request, sentiment, null, insights, summary, reply, runs, usage, reason);
    }
}
