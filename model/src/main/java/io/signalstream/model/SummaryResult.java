package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A running summary of the conversation.
 *
 * @param satisfaction the model's estimate of the customer's satisfaction (Gemini only; absent from
 *     the JSON otherwise)
 */
public record SummaryResult(
        String summary,
        List<String> keyPoints,
        ResolutionStatus resolutionStatus,
        @JsonInclude(JsonInclude.Include.NON_NULL) Satisfaction satisfaction)
        implements AgentOutput {

    /** A summary without a satisfaction estimate (the offline agents'). */
    public SummaryResult(
            String summary, List<String> keyPoints, ResolutionStatus resolutionStatus) {
        this(summary, keyPoints, resolutionStatus, null);
    }

    /**
     * @param csat the satisfaction the customer would report now, 1 (very unsatisfied) to 5
     * @param confidence 0 to 1
     * @param effort the customer's effort so far: {@code low}, {@code medium} or {@code high}
     */
    public record Satisfaction(double csat, double confidence, String effort) {}
}
