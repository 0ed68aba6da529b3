package io.signalstream.job.agents;

import io.signalstream.job.JobConfig;
import io.signalstream.job.agents.local.LocalInsightsAgent;
import io.signalstream.job.agents.local.LocalPiiAgent;
import io.signalstream.job.agents.local.LocalReplyAgent;
import io.signalstream.job.agents.local.LocalSentimentAgent;
import io.signalstream.job.agents.local.LocalSummaryAgent;
import io.signalstream.job.agents.local.SentimentAnalyzer;
import io.signalstream.model.AgentKind;
import java.util.Set;

/** Chooses an agent implementation by the configured provider. */
public final class Agents {

    /** Providers this build knows. */
    public static final Set<String> PROVIDERS = Set.of("local");

    private Agents() {}

    /** Fails fast, at job start, with a message naming the choices. */
    public static void checkProvider(String provider) {
        if (!PROVIDERS.contains(provider)) {
            throw new IllegalArgumentException(
                    "unknown AI provider '" + provider + "'; choose one of " + PROVIDERS);
        }
    }

    public static Agent create(AgentKind kind, JobConfig config) {
        checkProvider(config.aiProvider());
        return switch (kind) {
            case SENTIMENT -> new LocalSentimentAgent(SentimentAnalyzer.shared());
            case PII -> new LocalPiiAgent();
            case INSIGHTS -> new LocalInsightsAgent(SentimentAnalyzer.shared());
            case SUMMARY -> new LocalSummaryAgent();
            case REPLY -> new LocalReplyAgent(SentimentAnalyzer.shared());
        };
    }
}
