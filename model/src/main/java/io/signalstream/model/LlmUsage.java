package io.signalstream.model;

/**
 * What a result cost when a language model produced it; absent for the local provider.
 *
 * @param promptVersion the versioned prompt the request used, e.g. {@code analysis-v1}
 * @param callId one request may answer several agents: envelopes with the same id share its tokens
 * @param inputTokens prompt tokens the model reported ({@code usageMetadata.promptTokenCount})
 * @param outputTokens answer tokens the model reported ({@code candidatesTokenCount})
 * @param attempts requests made for this result, including the retry of an invalid answer
 * @param fallbackReason why the local provider answered instead, or null when the model did
 */
public record LlmUsage(
        String promptVersion,
        String callId,
        long inputTokens,
        long outputTokens,
        int attempts,
        String fallbackReason) {}
