package io.signalstream.job.rules;

import java.nio.charset.StandardCharsets;

/**
 * The key of a record on {@code support.rules}: {@code tenant/id}, the tenant before the first
 * slash. The rule operator and the aggregator's view of the tenants read it alike.
 */
record RuleKey(String tenant, String id) {

    /** {@code key}'s tenant and id, or null when it lacks either (such a record is skipped). */
    static RuleKey of(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            return null;
        }
        return new RuleKey(key.substring(0, slash), key.substring(slash + 1));
    }

    /** A record's key as text; empty for none. */
    static String text(byte[] key) {
        return key == null ? "" : new String(key, StandardCharsets.UTF_8);
    }
}
