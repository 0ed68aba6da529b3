package io.signalstream.job.agents.gemini;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the {@code gemini} provider. {@link #toString()} never prints the key.
 *
 * @param apiKey {@code GEMINI_API_KEY}; required when the provider is {@code gemini}
 * @param model {@code GEMINI_MODEL}
 * @param baseUrl {@code GEMINI_BASE_URL}, e.g. a proxy or a test server; null for Google's
 * @param temperature {@code GEMINI_TEMPERATURE}
 * @param rpmLimit {@code GEMINI_RPM_LIMIT}: requests per minute for the whole job, all subtasks
 * @param maxOutputTokens cap on each answer's length
 * @param requestTimeout {@code GEMINI_REQUEST_TIMEOUT_MS}: one request's limit; the agent timeout
 *     ({@code AGENT_TIMEOUT_MS}) bounds the whole call with its retries and its wait for budget
 * @param piiViaGemini {@code GEMINI_PII}: also ask the model for personal data the local detector
 *     missed (names, addresses, ...), sending redacted text only; off by default, and it takes half
 *     of the budget
 * @param summaryQuiet {@code GEMINI_SUMMARY_QUIET_MS}: a conversation quiet this long gets its
 *     summary refreshed if messages arrived since the last call
 * @param summaryEvery {@code GEMINI_SUMMARY_EVERY}: or after this many messages no call covered
 */
public record GeminiConfig(
        String apiKey,
        String model,
        String baseUrl,
        double temperature,
        int rpmLimit,
        int maxOutputTokens,
        Duration requestTimeout,
        boolean piiViaGemini,
        Duration summaryQuiet,
        int summaryEvery)
        implements Serializable {

    public static final String DEFAULT_MODEL = "gemini-2.5-flash";

    /** Fails at job start, before anything is called, when the provider cannot work. */
    public void check() {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException(
                    "AI_PROVIDER=gemini needs GEMINI_API_KEY (or --gemini-api-key)");
        }
        if (rpmLimit < 1) {
            throw new IllegalArgumentException("GEMINI_RPM_LIMIT must be at least 1");
        }
        if (temperature < 0 || temperature > 2) {
            throw new IllegalArgumentException("GEMINI_TEMPERATURE must be between 0 and 2");
        }
        if (summaryEvery < 1) {
            throw new IllegalArgumentException("GEMINI_SUMMARY_EVERY must be at least 1");
        }
    }

    @Override
    public String toString() {
        return "GeminiConfig{model="
                + model
                + ", baseUrl="
                + (baseUrl == null ? "default" : baseUrl)
                + ", temperature="
                + temperature
                + ", rpmLimit="
                + rpmLimit
                + ", maxOutputTokens="
                + maxOutputTokens
                + ", requestTimeout="
                + requestTimeout
                + ", piiViaGemini="
                + piiViaGemini
                + ", summaryQuiet="
                + summaryQuiet
                + ", summaryEvery="
                + summaryEvery
                + ", apiKey="
                + (apiKey == null ? "none" : "(hidden)")
                + "}";
    }
}
