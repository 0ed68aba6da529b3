package io.signalstream.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Lower-case wire names for enums, with an error that lists the allowed values. */
public final class WireEnums {

    private WireEnums() {}

    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        if (value != null) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of " + allowed(type));
    }

    public static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining("|"));
    }
}
