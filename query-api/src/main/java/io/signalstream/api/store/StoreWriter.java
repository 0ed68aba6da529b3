package io.signalstream.api.store;

import java.util.Map;

/**
 * What the feed writes: records of the two compacted topics, and how far it has read them. One
 * thread feeds; the positions are saved together with the data they cover, so a restart resumes
 * where the saved data ends.
 */
public interface StoreWriter {

    /** Keeps {@code aggregate} unless a version at least as high is stored; true when kept. */
    boolean putAggregate(StoredAggregate aggregate);

    /** Keeps the slot's entry unless the slot holds a higher {@code seq}. */
    void putSlot(String conversationKey, TranscriptSlot slot);

    /** Removes the conversation: its aggregate and every slot (a tombstone on the aggregate). */
    void deleteConversation(String key);

    /**
     * Removes the conversation like {@link #deleteConversation} and makes that visible to every
     * read (lists and searches included) before returning: an erasure.
     */
    void erase(String key);

    /** Removes one slot (a tombstone on a transcript slot). */
    void deleteSlot(String conversationKey, String slot);

    /** The next offset to read of {@code topic-partition}, saved with the data before it. */
    void position(String topicPartition, long nextOffset);

    /** The saved positions of the source the store was filled from. */
    Map<String, Long> positions();

    /**
     * The source the store was filled from (the Kafka cluster and topics), or null for a new store.
     */
    String source();

    /**
     * Drops every conversation and position: the store will be filled again from {@code source}.
     */
    void reset(String source);

    /**
     * Returns once the writes not yet in the index are within their bound; the store flushes and
     * saves them with their positions on its own thread.
     */
    void awaitRoom();
}
