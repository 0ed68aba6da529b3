package io.signalstream.job.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.util.ParameterTool;

/**
 * Looks a setting up by argument ({@code --kebab-case}), then environment variable, then default,
 * and turns a value that cannot be read into an error naming the setting.
 */
final class Settings {

    private final ParameterTool params;
    private final Map<String, String> env;

    Settings(String[] args, Map<String, String> env) {
        this.params = ParameterTool.fromArgs(args);
        this.env = env;
    }

    String text(String arg, String envVar, String fallback) {
        if (params.has(arg)) {
            return params.get(arg);
        }
        String value = env.get(envVar);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    int integer(String arg, String envVar, int fallback) {
        return parsed(arg, envVar, fallback, Integer::parseInt, "a whole number");
    }

    long number(String arg, String envVar, long fallback) {
        return parsed(arg, envVar, fallback, Long::parseLong, "a whole number");
    }

    double decimal(String arg, String envVar, double fallback) {
        return parsed(arg, envVar, fallback, Double::parseDouble, "a number");
    }

    private <T> T parsed(
            String arg, String envVar, T fallback, Function<String, T> parse, String expected) {
        String value = text(arg, envVar, null);
        try {
            return value == null ? fallback : parse.apply(value);
        } catch (NumberFormatException e) {
            throw bad(arg, envVar, value, expected);
        }
    }

    boolean flag(String arg, String envVar, boolean fallback) {
        String value = text(arg, envVar, null);
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw bad(arg, envVar, value, "true or false");
    }

    Duration millis(String arg, String envVar, long fallbackMillis) {
        return Duration.ofMillis(number(arg, envVar, fallbackMillis));
    }

    Duration duration(String arg, String envVar, String fallback) {
        String value = text(arg, envVar, fallback);
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw bad(arg, envVar, value, "an ISO-8601 duration such as P7D or PT30M");
        }
    }

    /** Whether the environment sets a variable at all (for settings that are no longer read). */
    boolean present(String envVar) {
        String value = env.get(envVar);
        return value != null && !value.isBlank();
    }

    private static IllegalArgumentException bad(
            String arg, String envVar, String value, String expected) {
        return new IllegalArgumentException(
                envVar + " (--" + arg + ") must be " + expected + ", not '" + value + "'");
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
