package io.signalstream.api.store;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What changed in one conversation since the last flush, not yet in the index. Never changed once
 * published: each write replaces the conversation's entry with a new one, so readers on other
 * threads always see a whole one. Entries are compared by identity: the flusher removes the entry
 * it wrote only if no write replaced it meanwhile.
 *
 * <p>The slots written are an array ordered by slot name: a write copies a few references (a
 * conversation has as many slots as its transcript window) instead of rebuilding a hash map.
 */
final class Pending {

    private static final TranscriptSlot[] NO_SLOTS = {};

    static final Pending NONE = new Pending(false, null, NO_SLOTS, Set.of(), 0);

    static final Pending DELETED = new Pending(true, null, NO_SLOTS, Set.of(), 0);

    private final boolean deleted;
    private final StoredAggregate aggregate;
    private final TranscriptSlot[] slots;
    private final Set<String> removed;
    private final long bytes;

    /**
     * @param deleted the stored conversation was removed; what is here is all there is
     * @param aggregate the highest version written since, or null
     * @param slots slots written since, ordered by slot name, one per name
     * @param removed slots removed since (before any write in {@code slots})
     * @param bytes the size of the aggregate and slots held
     */
    private Pending(
            boolean deleted,
            StoredAggregate aggregate,
            TranscriptSlot[] slots,
            Set<String> removed,
            long bytes) {
        this.deleted = deleted;
        this.aggregate = aggregate;
        this.slots = slots;
        this.removed = removed;
        this.bytes = bytes;
    }

    boolean deleted() {
        return deleted;
    }

    StoredAggregate aggregate() {
        return aggregate;
    }

    long bytes() {
        return bytes;
    }

    /** The slots written since, ordered by slot name; not to be changed. */
    TranscriptSlot[] slots() {
        return slots;
    }

    /** The slots removed since, before any write in {@link #slots()}. */
    Set<String> removed() {
        return removed;
    }

    Pending withAggregate(StoredAggregate a) {
        long size = bytes - (aggregate == null ? 0 : aggregate.size()) + a.size();
        return new Pending(deleted, a, slots, removed, size);
    }

    Pending withSlot(TranscriptSlot slot) {
        int at = find(slot.slot());
        TranscriptSlot[] next;
        long size = bytes + slot.size();
        if (at >= 0) {
            TranscriptSlot old = slots[at];
            if (old.seq() >= slot.seq()) {
                return this;
            }
            next = slots.clone();
            next[at] = slot;
            size -= old.size();
        } else {
            int insert = -at - 1;
            next = new TranscriptSlot[slots.length + 1];
            System.arraycopy(slots, 0, next, 0, insert);
            next[insert] = slot;
            System.arraycopy(slots, insert, next, insert + 1, slots.length - insert);
        }
        return new Pending(deleted, aggregate, next, removed, size);
    }

    Pending withoutSlot(String slot) {
        int at = find(slot);
        TranscriptSlot[] next = slots;
        long size = bytes;
        if (at >= 0) {
            size -= slots[at].size();
            next = new TranscriptSlot[slots.length - 1];
            System.arraycopy(slots, 0, next, 0, at);
            System.arraycopy(slots, at + 1, next, at, slots.length - at - 1);
        }
        Set<String> gone = new HashSet<>(removed);
        gone.add(slot);
        return new Pending(deleted, aggregate, next, Set.copyOf(gone), size);
    }

    /** The index of the slot named {@code name}, or {@code -(insertion point) - 1}. */
    private int find(String name) {
        int low = 0;
        int high = slots.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = slots[mid].slot().compareTo(name);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    /** The stored slots with these changes applied. */
    Map<String, TranscriptSlot> applyTo(Map<String, TranscriptSlot> stored) {
        Map<String, TranscriptSlot> result = new HashMap<>(deleted ? Map.of() : stored);
        result.keySet().removeAll(removed);
        for (TranscriptSlot slot : slots) {
            result.merge(slot.slot(), slot, (a, b) -> b.seq() > a.seq() ? b : a);
        }
        return result;
    }

    /** The stored aggregate or this one, whichever is newer. */
    StoredAggregate applyTo(StoredAggregate stored) {
        StoredAggregate base = deleted ? null : stored;
        if (aggregate == null) {
            return base;
        }
        return aggregate.newerThan(base) ? aggregate : base;
    }

    @Override
    public String toString() {
        return "Pending[deleted="
                + deleted
                + ", aggregate="
                + aggregate
                + ", slots="
                + Arrays.toString(slots)
                + ", removed="
                + removed
                + ", bytes="
                + bytes
                + "]";
    }
}
