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

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SentimentLabel fromWire(String value) {
        return WireEnums.parse(SentimentLabel.class, value);
    }
}
