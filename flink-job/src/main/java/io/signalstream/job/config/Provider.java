package io.signalstream.job.config;

import java.util.Arrays;
import java.util.Locale;

/** Who answers the agents: chosen once, by {@code AI_PROVIDER}. */
public enum Provider {
    /** Offline, deterministic rules; no key, no network. The default. */
    LOCAL,
    /** Google Gemini through the official SDK; personal data stays local. */
    GEMINI;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a provider name; an unknown one fails with the choices. */
    public static Provider parse(String name) {
        for (Provider p : values()) {
            if (p.wireName().equals(name == null ? "" : name.strip().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown AI provider '"
                        + name
                        + "'; choose one of "
                        + Arrays.stream(values()).map(Provider::wireName).toList());
    }
}
