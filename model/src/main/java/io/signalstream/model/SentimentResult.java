package io.signalstream.model;

/**
 * Sentiment and emotion of the conversation, following the customer.
 *
 * @param score from -1 (most negative) to 1 (most positive)
 * @param confidence from 0 to 1
 * @param reasoning the cues that decided the label
 */
public record SentimentResult(
        SentimentLabel sentiment,
        double score,
        double confidence,
        Emotion emotion,
        String reasoning)
        implements AgentOutput {}
