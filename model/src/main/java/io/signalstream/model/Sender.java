package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who wrote a message. */
public enum Sender {
    CUSTOMER,
    AGENT,
    SYSTEM;

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * Parses the wire name; unknown values raise {@link IllegalArgumentException} naming the
     * choices.
     */
    @JsonCreator
    public static Sender fromWire(String value) {
        return WireEnums.parse(Sender.class, value);
    }
}
