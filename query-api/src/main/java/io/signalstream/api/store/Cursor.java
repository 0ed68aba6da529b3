package io.signalstream.api.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page ended: the last conversation's sort value (its activity time, or since when its
 * customer waits when {@code waiting}) and key. Sent to clients as an opaque URL-safe string; a
 * later page continues after it even while conversations change.
 */
public record Cursor(long lastActivityMillis, String key, boolean waiting) {

    private static final String VERSION = "1";
    private static final String WAITING = "w";

    /** A cursor of a page in activity order. */
    public Cursor(long lastActivityMillis, String key) {
        this(lastActivityMillis, key, false);
    }

    public String encode() {
        String plain = (waiting ? WAITING : VERSION) + ":" + lastActivityMillis + ":" + key;
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
            boolean waiting = parts.length == 3 && parts[0].equals(WAITING);
            if (parts.length != 3 || !(waiting || parts[0].equals(VERSION)) || parts[2].isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Cursor(Long.parseLong(parts[1]), parts[2], waiting));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
