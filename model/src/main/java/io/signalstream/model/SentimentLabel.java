package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The overall feeling of a message or conversation. */
public enum SentimentLabel {
    POSITIVE,
    NEUTRAL,
    NEGATIVE,
    MIXED;

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static SentimentLabel fromWire(String value) {
        return WireEnums.parse(SentimentLabel.class, value);
    }
}
