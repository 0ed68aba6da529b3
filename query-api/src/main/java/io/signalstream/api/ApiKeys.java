package io.signalstream.api;

import io.signalstream.model.ConversationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API keys and the tenant each belongs to. Keys are held only as SHA-256 digests; a presented key
 * is hashed and compared with every digest in constant time, so neither the comparison nor the
 * number of keys checked depends on where the presented key differs.
 *
 * <p>Sources: {@code SIGNALSTREAM_API_KEYS="key=tenant,key2=tenant2"} and/or a file ({@code
 * SIGNALSTREAM_API_KEYS_FILE}) with one {@code sha256:<hex>=tenant} or {@code key=tenant} per line
 * ({@code #} comments allowed), so the keys themselves need not be stored at all.
 */
public final class ApiKeys {

    private record Entry(byte[] digest, String tenant) {}

    private static final String SHA256_PREFIX = "sha256:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads {@code key=tenant} pairs separated by commas; blank entries are ignored. */
    public static ApiKeys parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        if (spec != null) {
            for (String pair : spec.split(",")) {
                addLine(entries, pair, "SIGNALSTREAM_API_KEYS");
            }
        }
        return new ApiKeys(entries);
    }

    /** Reads a keys file: {@code sha256:<hex>=tenant} or {@code key=tenant} per line. */
    public static ApiKeys file(Path path) {
        List<Entry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (!line.strip().startsWith("#")) {
                    addLine(entries, line, path.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API keys from " + path, e);
        }
        return new ApiKeys(entries);
    }

    /** The keys of both sources. */
    public ApiKeys and(ApiKeys other) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new ApiKeys(all);
    }

    private static void addLine(List<Entry> entries, String line, String source) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        int eq = trimmed.lastIndexOf('=');
        if (eq <= 0 || eq == trimmed.length() - 1) {
            throw new IllegalArgumentException(
                    "API keys in " + source + " are written key=tenant; one entry is not");
        }
        String key = trimmed.substring(0, eq).strip();
        String tenant = trimmed.substring(eq + 1).strip();
        if (!ConversationKey.isValidId(tenant)) {
            throw new IllegalArgumentException(
                    "tenant '"
                            + tenant
                            + "' in "
                            + source
                            + " must be 1 to 128 letters, digits and . _ : @ -");
        }
        byte[] digest =
                key.startsWith(SHA256_PREFIX)
                        ? HexFormat.of().parseHex(key.substring(SHA256_PREFIX.length()))
                        : sha256(key);
        if (digest.length != 32) {
            throw new IllegalArgumentException(
                    "a sha256: entry in " + source + " is not 64 hex digits");
        }
        entries.add(new Entry(digest, tenant));
    }

    /** The tenant of {@code presented}, or empty when it is no key of ours. */
    public Optional<String> tenantOf(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        String match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(digest, entry.digest()) && match == null) {
                match = entry.tenant();
            }
        }
        return Optional.ofNullable(match);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** A new random key: 32 bytes, URL-safe Base64 (43 characters), prefixed {@code ss_}. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ss_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The line for a keys file that stores {@code key} hashed. */
    public static String hashedLine(String key, String tenant) {
        return SHA256_PREFIX + HexFormat.of().formatHex(sha256(key)) + "=" + tenant;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Never prints keys or digests. */
    @Override
    public String toString() {
        return "ApiKeys{"
                + entries.size()
                + " keys, tenants "
                + entries.stream().map(Entry::tenant).distinct().sorted().toList()
                + "}";
    }
}
