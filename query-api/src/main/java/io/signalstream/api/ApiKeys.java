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
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * API keys and the tenant each belongs to. Keys are held only as SHA-256 digests; a presented key
 * is hashed and compared with every digest in constant time, so neither the comparison nor the
 * number of keys checked depends on where the presented key differs.
 *
 * <p>Sources: {@code SIGNALSTREAM_API_KEYS="key=tenant,key2=tenant2/ingest"} and/or a file ({@code
 * SIGNALSTREAM_API_KEYS_FILE}) with one {@code sha256:<hex>=tenant} or {@code key=tenant} per line
 * ({@code #} comments allowed), so the keys themselves need not be stored at all.
 *
 * <p>A key holds scopes, written after the tenant: {@code key=acme/ingest} may only post messages,
 * {@code key=acme/read} only read, {@code key=acme/ingest+read+admin} everything. A key written
 * without scopes holds {@code ingest} and {@code read}, as before scopes existed.
 */
public final class ApiKeys {

    /** What a key may do. */
    public enum Scope {
        /** {@code POST /v1/messages}. */
        INGEST,
        /** Every {@code GET} under {@code /v1/} and the WebSocket streams. */
        READ,
        /** Erasing conversations. */
        ADMIN;

        static final Set<Scope> DEFAULT = Collections.unmodifiableSet(EnumSet.of(INGEST, READ));
        static final Set<Scope> ALL = Collections.unmodifiableSet(EnumSet.allOf(Scope.class));

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who presented a key: the key's tenant and scopes. */
    public record Caller(String tenant, Set<Scope> scopes) {
        public boolean may(Scope scope) {
            return scopes.contains(scope);
        }
    }

    private record Entry(byte[] digest, Caller caller) {}

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
        String owner = trimmed.substring(eq + 1).strip();
        int slash = owner.indexOf('/');
        String tenant = slash < 0 ? owner : owner.substring(0, slash);
        Set<Scope> scopes = slash < 0 ? Scope.DEFAULT : scopes(owner.substring(slash + 1), source);
        if (looksLikeKey(tenant)) {
            throw new IllegalArgumentException(
                    "an entry in "
                            + source
                            + " names a tenant that looks like an API key; entries are written"
                            + " key=tenant (the key first)");
        }
        if (!ConversationKey.isValidId(tenant)) {
            throw new IllegalArgumentException(
                    "tenant '" + tenant + "' in " + source + " must be " + ConversationKey.ID_RULE);
        }
        byte[] digest =
                key.startsWith(SHA256_PREFIX)
                        ? HexFormat.of().parseHex(key.substring(SHA256_PREFIX.length()))
                        : sha256(key);
        if (digest.length != 32) {
            throw new IllegalArgumentException(
                    "a sha256: entry in " + source + " is not 64 hex digits");
        }
        entries.add(new Entry(digest, new Caller(tenant, scopes)));
    }

    private static Set<Scope> scopes(String spec, String source) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : spec.split("\\+")) {
            Scope scope =
                    Arrays.stream(Scope.values())
                            .filter(s -> s.wire().equals(name.strip().toLowerCase(Locale.ROOT)))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "an entry in "
                                                            + source
                                                            + " names the scope '"
                                                            + name.strip()
                                                            + "'; scopes are ingest, read and admin,"
                                                            + " joined by +"));
            scopes.add(scope);
        }
        return Collections.unmodifiableSet(scopes);
    }

    /**
     * A tenant written where the key belongs: one of our generated keys, a digest, or a long run of
     * letters and digits mixing cases as random keys do.
     */
    static boolean looksLikeKey(String tenant) {
        return tenant.startsWith("ss_")
                || tenant.startsWith(SHA256_PREFIX)
                || tenant.length() >= 32
                        && tenant.chars().anyMatch(Character::isDigit)
                        && tenant.chars().anyMatch(Character::isUpperCase)
                        && tenant.chars().anyMatch(Character::isLowerCase);
    }

    /** The caller {@code presented} identifies, or empty when it is no key of ours. */
    public Optional<Caller> callerOf(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        Caller match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(digest, entry.digest()) && match == null) {
                match = entry.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    /** The tenant of {@code presented}, or empty when it is no key of ours. */
    public Optional<String> tenantOf(String presented) {
        return callerOf(presented).map(Caller::tenant);
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
                + entries.stream().map(e -> e.caller().tenant()).distinct().sorted().toList()
                + "}";
    }
}
