package io.signalstream.model;

import java.util.List;

/** A running summary of the conversation. */
public record SummaryResult(
        String summary, List<String> keyPoints, ResolutionStatus resolutionStatus)
        implements AgentOutput {}
