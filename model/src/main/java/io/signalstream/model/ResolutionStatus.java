package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a conversation stands. */
public enum ResolutionStatus {
    OPEN,
    PENDING,
    RESOLVED;

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ResolutionStatus fromWire(String value) {
        return WireEnums.parse(ResolutionStatus.class, value);
    }
}
