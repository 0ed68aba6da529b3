package io.signalstream.job.config;

import io.signalstream.model.TokenBudgets;
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
 * @param maxOutputTokens {@code GEMINI_MAX_OUTPUT_TOKENS}: cap on each answer's length
 * @param requestTimeout {@code GEMINI_REQUEST_TIMEOUT_MS}: one request's limit; the agent timeout
 *     ({@code AGENT_TIMEOUT_MS}) bounds the whole call with its retries and its wait for budget
 * @param piiViaGemini {@code GEMINI_PII}: also ask the model for personal data the local detector
 *     missed (names, addresses, ...), sending redacted text only; off by default, and it takes half
 *     of the budget
 * @param summaryQuiet {@code GEMINI_SUMMARY_QUIET_MS}: a conversation quiet this long gets its
 *     summary refreshed if messages arrived since the last call
 * @param summaryEvery {@code GEMINI_SUMMARY_EVERY}: or after this many messages no call covered
 * @param promptTokens {@code GEMINI_PROMPT_TOKENS}: the transcript in each call fits this many
 *     tokens (estimated, see {@code TokenEstimate}): newest messages first, a longer one clipped
 * @param budgets each tenant's token budget, checked before each call
 * @param replayHorizon {@code LLM_REPLAY_HORIZON}: messages older than this (by their own time) get
 *     the local agents, so a replay or a start from the earliest offset does not pay the model for
 *     history; {@code PT0S} calls the model for every message
 * @param modelFast {@code GEMINI_MODEL_FAST}: with it, each customer message's sentiment and
 *     insights come from this (faster, cheaper) model and the summary and the reply from {@code
 *     GEMINI_MODEL}, two requests in parallel; null (the default) asks {@code GEMINI_MODEL} for all
 *     four in one request
 * @param answerCacheLookback {@code LLM_ANSWER_CACHE_LOOKBACK}: how far back a starting subtask
 *     reads the model's kept answers ({@code support.llm.answers}) to re-use them; {@code PT0S}
 *     turns the cache off
 */
public record GeminiSettings(
        String apiKey,
        String model,
        String baseUrl,
        double temperature,
        int rpmLimit,
        int maxOutputTokens,
        Duration requestTimeout,
        boolean piiViaGemini,
        Duration summaryQuiet,
        int summaryEvery,
        int promptTokens,
        TokenBudgets budgets,
        Duration replayHorizon,
        Duration answerCacheLookback,
        String modelFast)
        implements Serializable {

    public static final String DEFAULT_MODEL = "gemini-2.5-flash";

    static GeminiSettings read(Settings s) {
        return new GeminiSettings(
                s.text("gemini-api-key", "GEMINI_API_KEY", null),
                s.text("gemini-model", "GEMINI_MODEL", DEFAULT_MODEL),
                s.text("gemini-base-url", "GEMINI_BASE_URL", null),
                s.decimal("gemini-temperature", "GEMINI_TEMPERATURE", 0.3),
                s.integer("gemini-rpm-limit", "GEMINI_RPM_LIMIT", 1_000),
                s.integer("gemini-max-output-tokens", "GEMINI_MAX_OUTPUT_TOKENS", 1_024),
                s.millis("gemini-request-timeout-ms", "GEMINI_REQUEST_TIMEOUT_MS", 10_000),
                s.flag("gemini-pii", "GEMINI_PII", false),
                s.millis("gemini-summary-quiet-ms", "GEMINI_SUMMARY_QUIET_MS", 10_000),
                s.integer("gemini-summary-every", "GEMINI_SUMMARY_EVERY", 5),
                s.integer("gemini-prompt-tokens", "GEMINI_PROMPT_TOKENS", 4_000),
                new TokenBudgets(
                        s.number(
                                "gemini-tenant-tokens-per-minute",
                                "GEMINI_TENANT_TOKENS_PER_MINUTE",
                                0),
                        s.number("gemini-tenant-tokens-per-day", "GEMINI_TENANT_TOKENS_PER_DAY", 0),
                        TokenBudgets.parse(
                                s.text("gemini-tenant-budgets", "GEMINI_TENANT_BUDGETS", "")),
                        s.decimal(
                                "gemini-price-per-million-tokens",
                                "GEMINI_PRICE_PER_MILLION_TOKENS",
                                0),
                        s.decimal("gemini-tenant-cost-per-day", "GEMINI_TENANT_COST_PER_DAY", 0)),
                s.duration("llm-replay-horizon", "LLM_REPLAY_HORIZON", "PT1H"),
                s.duration("llm-answer-cache-lookback", "LLM_ANSWER_CACHE_LOOKBACK", "PT15M"),
                blankToNull(s.text("gemini-model-fast", "GEMINI_MODEL_FAST", null)));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Whether analyses are routed: sentiment and insights to the fast model. */
    public boolean routed() {
        return modelFast != null && !modelFast.equals(model);
    }

    /** Fails at job start, before anything is called, when the provider cannot work. */
    public void check() {
        Settings.require(
                apiKey != null && !apiKey.isBlank(),
                "AI_PROVIDER=gemini needs GEMINI_API_KEY (or --gemini-api-key)");
        Settings.require(rpmLimit >= 1, "GEMINI_RPM_LIMIT must be at least 1");
        Settings.require(
                temperature >= 0 && temperature <= 2, "GEMINI_TEMPERATURE must be between 0 and 2");
        Settings.require(summaryEvery >= 1, "GEMINI_SUMMARY_EVERY must be at least 1");
        Settings.require(maxOutputTokens >= 64, "GEMINI_MAX_OUTPUT_TOKENS must be at least 64");
        budgets.check();
        Settings.require(!replayHorizon.isNegative(), "LLM_REPLAY_HORIZON must not be negative");
        Settings.require(
                !answerCacheLookback.isNegative(),
                "LLM_ANSWER_CACHE_LOOKBACK must not be negative");
        Settings.require(
                promptTokens >= 200 && promptTokens <= 1_000_000,
                "GEMINI_PROMPT_TOKENS must be between 200 and 1000000");
        Settings.require(
                requestTimeout.toMillis() >= 100, "GEMINI_REQUEST_TIMEOUT_MS must be at least 100");
    }

    @Override
    public String toString() {
        return "Gemini{model="
                + model
                + ", modelFast="
                + (modelFast == null ? "none" : modelFast)
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
                + ", promptTokens="
                + promptTokens
                + ", budgets="
                + budgets
                + ", replayHorizon="
                + replayHorizon
                + ", answerCacheLookback="
                + answerCacheLookback
                + ", apiKey="
                + (apiKey == null ? "none" : "(hidden)")
                + "}";
    }
}
