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

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Urgency fromWire(String value) {
        return WireEnums.parse(Urgency.class, value);
    }
}
