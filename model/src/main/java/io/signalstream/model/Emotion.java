package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The dominant emotion the sentiment agent reads in the customer's words. */
public enum Emotion {
    FRUSTRATED,
    ANGRY,
    ANXIOUS,
    CONFUSED,
    DISAPPOINTED,
    SATISFIED,
    GRATEFUL,
    NEUTRAL;

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Emotion fromWire(String value) {
        return WireEnums.parse(Emotion.class, value);
    }
}
