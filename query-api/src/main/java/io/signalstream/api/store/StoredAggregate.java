package io.signalstream.api.store;

/**
 * One version of a conversation's aggregate.
 *
 * @param key {@code tenant/conversation}
 * @param json the aggregate's JSON exactly as the job wrote it
 */
public record StoredAggregate(String key, long version, byte[] json) {

    /** The aggregate's size in bytes, for the store's write-behind bound. */
    int size() {
        return json.length + key.length() + 16;
    }
}
