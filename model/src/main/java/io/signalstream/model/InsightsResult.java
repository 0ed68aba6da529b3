package io.signalstream.model;

import java.util.List;

/**
 * What the customer wants, how urgent it is, what to do next, and whether a person must step in.
 */
public record InsightsResult(
        Intent intent,
        Urgency urgency,
        List<String> suggestedActions,
        boolean requiresEscalation,
        String escalationReason,
        List<String> topics)
        implements AgentOutput {}
