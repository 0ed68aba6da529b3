package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The AI agents, each with the record type of its result. */
public enum AgentKind {
    SENTIMENT(SentimentResult.class),
    PII(PiiResult.class),
    INSIGHTS(InsightsResult.class),
    SUMMARY(SummaryResult.class),
    REPLY(ReplyResult.class);

    private final Class<? extends AgentOutput> resultType;

    AgentKind(Class<? extends AgentOutput> resultType) {
        this.resultType = resultType;
    }

    public Class<? extends AgentOutput> resultType() {
        return resultType;
    }

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static AgentKind fromWire(String value) {
        return WireEnums.parse(AgentKind.class, value);
    }
}
