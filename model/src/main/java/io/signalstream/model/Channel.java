package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a message came from. */
public enum Channel {
    CHAT,
    EMAIL,
    SMS,
    VOICE,
    SOCIAL,
    OTHER;

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Channel fromWire(String value) {
        return WireEnums.parse(Channel.class, value);
    }
}
