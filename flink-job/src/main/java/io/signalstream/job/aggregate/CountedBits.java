package io.signalstream.job.aggregate;

/**
 * What the analytics have counted of the conversations seen last (their {@code analytics-counted}
 * state, {@link AggregatorFunction#ESCALATION_COUNTED} and {@link
 * AggregatorFunction#RESOLUTION_COUNTED}), on the heap, so an escalated or resolved conversation's
 * every message does not read RocksDB again to learn it was counted already. The state stays the
 * truth: an entry is only ever what the state holds, for that key and that life ({@code epoch}) of
 * the conversation, and it is dropped whenever the state is cleared; a new task starts empty.
 *
 * <p>Direct-mapped by the key's hash ({@link #SLOTS} entries, the newest wins a slot): a lookup is
 * one array read, and it holds references to keys the job holds anyway. Not thread-safe: one per
 * function instance.
 */
final class CountedBits {

    /** Entries: a power of two, a few times the conversations a subtask serves at once. */
    static final int SLOTS = 4096;

    /** What {@link #get} answers for a conversation it does not know. */
    static final int UNKNOWN = -1;

    private final String[] keys = new String[SLOTS];
    private final long[] epochs = new long[SLOTS];
    private final byte[] bits = new byte[SLOTS];

    /** The bits counted of {@code key}'s life {@code epoch}, or {@link #UNKNOWN}. */
    int get(String key, long epoch) {
        int slot = slot(key);
        return key.equals(keys[slot]) && epochs[slot] == epoch ? bits[slot] : UNKNOWN;
    }

    /** Remembers that the state of {@code key}'s life {@code epoch} holds {@code counted}. */
    void put(String key, long epoch, int counted) {
        int slot = slot(key);
        keys[slot] = key;
        epochs[slot] = epoch;
        bits[slot] = (byte) counted;
    }

    /** Forgets {@code key}: its state was cleared. */
    void forget(String key) {
        int slot = slot(key);
        if (key.equals(keys[slot])) {
            keys[slot] = null;
        }
    }

    private static int slot(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
