package io.signalstream.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** A duration setting as an operator writes it: ISO-8601, refused naming the setting. */
public final class DurationSetting {

    private DurationSetting() {}

    /**
     * {@code value} read as a duration, or {@code dflt} when it is null or blank.
     *
     * @param min the shortest allowed (null: no lower bound)
     * @param max the longest allowed (null: no upper bound)
     * @throws IllegalArgumentException naming {@code name}, when unreadable or out of bounds
     */
    public static Duration read(
            String name, String value, Duration dflt, Duration min, Duration max) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        Duration d;
        try {
            d = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw refused(name, value, min, max, e);
        }
        if ((min != null && d.compareTo(min) < 0) || (max != null && d.compareTo(max) > 0)) {
            throw refused(name, value, min, max, null);
        }
        return d;
    }

    private static IllegalArgumentException refused(
            String name, String value, Duration min, Duration max, Exception cause) {
        String bounds =
                min == null && max == null
                        ? ""
                        : max == null
                                ? " of at least " + min
                                : min == null
                                        ? " of at most " + max
                                        : " from " + min + " to " + max;
        return new IllegalArgumentException(
                name
                        + " must be an ISO-8601 duration"
                        + bounds
                        + " such as PT10S, not '"
                        + value
                        + "'",
                cause);
    }
}
