package io.signalstream.model;

/**
 * The conversation's sentiment score as of one message count, for a trend over the conversation.
 */
public record SentimentPoint(long seq, double score) {}
