package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a conversation stands. */
public enum ResolutionStatus {
    OPEN,
    PENDING,
    RESOLVED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ResolutionStatus fromWire(String value) {
        return WireEnums.parse(ResolutionStatus.class, value);
    }
}
