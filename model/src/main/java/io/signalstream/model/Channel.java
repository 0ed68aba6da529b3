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

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Channel fromWire(String value) {
        return WireEnums.parse(Channel.class, value);
    }
}
