package io.signalstream.job.agents;

import io.signalstream.job.JobConfig;
import io.signalstream.job.agents.gemini.GeminiCallFunction;
import io.signalstream.job.agents.gemini.GeminiPiiAgent;
import io.signalstream.job.agents.local.LocalInsightsAgent;
import io.signalstream.job.agents.local.LocalPiiAgent;
import io.signalstream.job.agents.local.LocalReplyAgent;
import io.signalstream.job.agents.local.LocalSentimentAgent;
import io.signalstream.job.agents.local.LocalSummaryAgent;
import io.signalstream.job.agents.local.SentimentAnalyzer;
import io.signalstream.model.AgentKind;
import java.util.List;
import java.util.Set;

/** Chooses an agent implementation by the configured provider. */
public final class Agents {

    public static final String LOCAL = "local";
    public static final String GEMINI = "gemini";

    /** Providers this build knows. */
    public static final Set<String> PROVIDERS = Set.of(LOCAL, GEMINI);

    private Agents() {}

    /** Fails fast, at job start, with a message naming the choices or the missing setting. */
    public static void check(JobConfig config) {
        config.check();
        if (!PROVIDERS.contains(config.aiProvider())) {
            throw new IllegalArgumentException(
                    "unknown AI provider '"
                            + config.aiProvider()
                            + "'; choose one of "
                            + PROVIDERS.stream().sorted().toList());
        }
        if (GEMINI.equals(config.aiProvider())) {
            config.gemini().check();
        }
    }

    /**
     * The agents that run one call per update through their own async operator. With {@code
     * gemini}, only PII: it stays local so personal data never leaves the job, and the model
     * answers the other four in one call per planned task.
     */
    public static List<AgentKind> perUpdate(JobConfig config) {
        return GEMINI.equals(config.aiProvider())
                ? List.of(AgentKind.PII)
                : List.of(AgentKind.values());
    }

    /**
     * The agent {@link AgentCallFunction} calls for {@code kind} in one of {@code subtasks}
     * parallel subtasks: local, or for PII with the {@code GEMINI_PII} opt-in, the local detector
     * plus Gemini on the redacted text with its share of the budget.
     */
    public static Agent create(AgentKind kind, JobConfig config, int subtasks, int subtask) {
        check(config);
        if (kind == AgentKind.PII && piiViaGemini(config)) {
            return new GeminiPiiAgent(
                    config,
                    GeminiCallFunction.HEADROOM * config.gemini().rpmLimit() * PII_SHARE / subtasks,
                    "gemini-pii-budget-" + subtask);
        }
        return local(kind);
    }

    /** The part of {@code GEMINI_RPM_LIMIT} PII requests get when {@code GEMINI_PII} is on. */
    public static final double PII_SHARE = 0.5;

    public static boolean piiViaGemini(JobConfig config) {
        return GEMINI.equals(config.aiProvider()) && config.gemini().piiViaGemini();
    }

    /** The offline, deterministic agent for {@code kind}. */
    public static Agent local(AgentKind kind) {
        return switch (kind) {
            case SENTIMENT -> new LocalSentimentAgent(SentimentAnalyzer.shared());
            case PII -> new LocalPiiAgent();
            case INSIGHTS -> new LocalInsightsAgent(SentimentAnalyzer.shared());
            case SUMMARY -> new LocalSummaryAgent();
            case REPLY -> new LocalReplyAgent(SentimentAnalyzer.shared());
        };
    }
}
