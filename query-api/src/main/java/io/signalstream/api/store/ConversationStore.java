package io.signalstream.api.store;

import java.util.List;
import java.util.Optional;

/**
 * What the API reads: every conversation's newest aggregate and recent transcript, and pages of a
 * tenant's conversations. Keys are {@code tenant/conversation}. A conversation written a moment ago
 * is readable by key at once; lists and search see it within the store's refresh interval.
 */
public interface ConversationStore {

    /** The newest aggregate, as the job wrote it. */
    Optional<StoredAggregate> aggregate(String key);

    /** The recent transcript, oldest first; empty when there is none. */
    List<TranscriptSlot> transcript(String key);

    /** One page of a tenant's conversations, newest activity first. */
    Page list(ConversationQuery query);

    /** Conversations with an aggregate, across tenants (as of the last refresh). */
    long conversations();
}
