package io.signalstream.api.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page ended: the last conversation's activity time and key. Sent to clients as an opaque
 * URL-safe string; a later page continues after it even while conversations change.
 */
public record Cursor(long lastActivityMillis, String key) {

    private static final String VERSION = "1";

    public String encode() {
        String plain = VERSION + ":" + lastActivityMillis + ":" + key;
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, or empty when {@code text} is not one of ours. */
    public static Optional<Cursor> decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 1024) {
            return Optional.empty();
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 3);
            if (parts.length != 3 || !parts[0].equals(VERSION) || parts[2].isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Cursor(Long.parseLong(parts[1]), parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
