package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How soon a conversation needs a person. */
public enum Urgency {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Urgency fromWire(String value) {
        return WireEnums.parse(Urgency.class, value);
    }
}
