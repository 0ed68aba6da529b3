package io.signalstream.model;

/** The result of one agent. The envelope ({@link AgentResult#agent()}) names which one it is. */
public sealed interface AgentOutput
        permits SentimentResult, PiiResult, InsightsResult, SummaryResult, ReplyResult {}
