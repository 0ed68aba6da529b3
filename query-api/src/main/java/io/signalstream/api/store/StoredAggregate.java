package io.signalstream.api.store;

import io.signalstream.model.AggregatedIntelligence;

/**
 * One version of a conversation's aggregate.
 *
 * @param key {@code tenant/conversation}
 * @param epoch the life of the conversation it belongs to (0 for aggregates without one)
 * @param version the version within that life
 * @param json the aggregate's JSON exactly as the job wrote it
 */
public record StoredAggregate(String key, long epoch, long version, byte[] json) {

    /** An aggregate of epoch 0. */
    public StoredAggregate(String key, long version, byte[] json) {
        this(key, 0, version, json);
    }

    /** Whether this comes after {@code other} in {@code (epoch, version)} order; null: nothing. */
    public boolean newerThan(StoredAggregate other) {
        return other == null
                || AggregatedIntelligence.newer(epoch, version, other.epoch, other.version);
    }

    /** The HTTP entity tag: the version alone in epoch 0, else epoch and version. */
    public String etag() {
        return epoch == 0 ? "\"" + version + "\"" : "\"" + epoch + "-" + version + "\"";
    }

    /** The aggregate's size in bytes, for the store's write-behind bound. */
    int size() {
        return json.length + key.length() + 16;
    }
}
