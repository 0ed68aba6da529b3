package io.signalstream.job.sink;

import java.util.List;

/**
 * The JSON of lists that recur, by identity, from one aggregate version of a conversation to the
 * next: its personal data entities (unchanged by most messages) and its sentiment trend (unchanged
 * by the agent's messages). The conversation's state hands the same immutable list to every version
 * until it changes, so a list's text can be copied instead of encoded again.
 *
 * <p>Direct-mapped by identity hash: a list shares its slot with others and the newest wins, so a
 * lookup is one array read and the cache needs no bookkeeping. Only lists that cannot change are
 * kept, and their elements are immutable records. Bounded twice: {@link #SLOTS} lists, and {@link
 * #MAX_BYTES} bytes of JSON in all (a list that would exceed it is not kept). It holds the lists
 * themselves, so an identical list is never mistaken for another.
 */
final class EncodedLists {

    /** Lists kept: a power of two, a few times the conversations a subtask keeps on the heap. */
    static final int SLOTS = 8192;

    /** Bytes of JSON kept in all: 16 MB of task heap per subtask at most. */
    static final long MAX_BYTES = 16L << 20;

    private final List<?>[] lists;
    private final byte[][] texts;
    private final int mask;
    private final long maxBytes;
    private long bytes;

    EncodedLists() {
        this(SLOTS, MAX_BYTES);
    }

    EncodedLists(int slots, long maxBytes) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.lists = new List<?>[slots];
        this.texts = new byte[slots][];
        this.mask = slots - 1;
        this.maxBytes = maxBytes;
    }

    /** The JSON (UTF-8) of this very list, if kept. */
    byte[] get(List<?> list) {
        int slot = slot(list);
        return lists[slot] == list ? texts[slot] : null;
    }

    /**
     * Keeps {@code json}, the JSON (UTF-8) of {@code list}, if the list cannot change (one {@link
     * List#copyOf} returns it as it is) and the cache stays within its bytes (else whatever shared
     * the slot stays).
     */
    void put(List<?> list, byte[] json) {
        if (!cannotChange(list)) {
            return; // a list that may still change: its JSON is written each time
        }
        int slot = slot(list);
        long freed = texts[slot] == null ? 0 : texts[slot].length;
        if (bytes - freed + json.length <= maxBytes) {
            bytes += json.length - freed;
            lists[slot] = list;
            texts[slot] = json;
        }
    }

    /** Bytes of JSON kept now. */
    long bytes() {
        return bytes;
    }

    private int slot(List<?> list) {
        return slot(list, mask);
    }

    /** Whether {@code list} cannot change: {@link List#copyOf} returns it as it is. */
    static boolean cannotChange(List<?> list) {
        return List.copyOf(list) == list;
    }

    /** A slot for {@code o} by its identity, below {@code mask + 1} (a power of two). */
    static int slot(Object o, int mask) {
        int h = System.identityHashCode(o);
        return (h ^ (h >>> 16)) & mask;
    }
}
