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

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Emotion fromWire(String value) {
        return WireEnums.parse(Emotion.class, value);
    }
}
