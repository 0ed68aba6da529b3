package io.signalstream.api.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Which of a tenant's conversations to list. Every filter is optional (null); together they must
 * all hold. Results come newest activity first, or with {@code longestWaitingFirst} the customers
 * waiting longest first (only conversations whose customer waits).
 *
 * @param text full text over the redacted transcript, the summary, key points, topics and the
 *     escalation reason, in Lucene's simple query syntax ({@code "exact phrase"}, {@code -not},
 *     {@code prefix*}, {@code a | b}); terms must all match
 * @param escalation whether a person must step in
 * @param waiting whether the customer waits for an agent's answer
 * @param from last activity at or after
 * @param to last activity before
 * @param after the cursor of the previous page, or null for the first
 * @param offset conversations to skip before the page (with no cursor), at most {@link #MAX_OFFSET}
 * @param longestWaitingFirst the order: since when the customer waits, oldest first
 */
public record ConversationQuery(
        String tenant,
        String text,
        String intent,
        String sentiment,
        String urgency,
        Boolean escalation,
        Instant from,
        Instant to,
        int limit,
        Cursor after,
        int offset,
        Boolean waiting,
        boolean longestWaitingFirst) {

    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 10_000;

    public ConversationQuery {
        Objects.requireNonNull(tenant, "tenant");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new IllegalArgumentException("offset must be from 0 to " + MAX_OFFSET);
        }
        if (longestWaitingFirst && Boolean.FALSE.equals(waiting)) {
            throw new IllegalArgumentException(
                    "the longest waiting come first among waiting conversations only");
        }
        if (after != null && after.waiting() != longestWaitingFirst) {
            throw new IllegalArgumentException("the cursor belongs to a list in another order");
        }
    }

    /** A query with no waiting filter. */
    public ConversationQuery(
            String tenant,
            String text,
            String intent,
            String sentiment,
            String urgency,
            Boolean escalation,
            Instant from,
            Instant to,
            int limit,
            Cursor after,
            int offset) {
        this(
                tenant,
                text,
                intent,
                sentiment,
                urgency,
                escalation,
                from,
                to,
                limit,
                after,
                offset,
                null,
                false);
    }

    /** The first page of everything of a tenant. */
    public static ConversationQuery all(String tenant, int limit) {
        return new ConversationQuery(
                tenant, null, null, null, null, null, null, null, limit, null, 0);
    }
}
