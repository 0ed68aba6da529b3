package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the customer wants, how urgent it is, what to do next, and whether a person must step in.
 *
 * @param language the language of the message this version reflects (ISO 639-1, {@code und} when it
 *     has no letters); null on records written before languages were detected
 * @param languageConfidence how sure the language is, 0 to 1 (short messages get low values); null
 *     with no language
 */
public record InsightsResult(
        Intent intent,
        Urgency urgency,
        List<String> suggestedActions,
        boolean requiresEscalation,
        String escalationReason,
        List<String> topics,
        @JsonInclude(JsonInclude.Include.NON_NULL) String language,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double languageConfidence)
        implements AgentOutput {

    @JsonCreator
    public InsightsResult {}

    /** Insights without a language (the language is added where the message is known). */
    public InsightsResult(
            Intent intent,
            Urgency urgency,
            List<String> suggestedActions,
            boolean requiresEscalation,
            String escalationReason,
            List<String> topics) {
        this(
                intent,
                urgency,
                suggestedActions,
                requiresEscalation,
                escalationReason,
                topics,
                null,
                null);
    }

    /** These insights with {@code language}. */
    public InsightsResult withLanguage(String language, double languageConfidence) {
        return new InsightsResult(
                intent,
                urgency,
                suggestedActions,
                requiresEscalation,
                escalationReason,
                topics,
                language,
                languageConfidence);
    }
}
