package io.signalstream.api.store;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What changed in one conversation since the last flush, not yet in the index. Never changed once
 * published: each write replaces the conversation's entry with a new one, so readers on other
 * threads always see a whole one.
 *
 * @param deleted the stored conversation was removed; what is here is all there is
 * @param aggregate the highest version written since, or null
 * @param slots slots written since, by slot name
 * @param removed slots removed since (before any write in {@code slots})
 * @param bytes the size of the aggregate and slots held
 */
record Pending(
        boolean deleted,
        StoredAggregate aggregate,
        Map<String, TranscriptSlot> slots,
        Set<String> removed,
        long bytes) {

    static final Pending NONE = new Pending(false, null, Map.of(), Set.of(), 0);

    static final Pending DELETED = new Pending(true, null, Map.of(), Set.of(), 0);

    Pending withAggregate(StoredAggregate a) {
        long size = bytes - (aggregate == null ? 0 : aggregate.size()) + a.size();
        return new Pending(deleted, a, slots, removed, size);
    }

    Pending withSlot(TranscriptSlot slot) {
        TranscriptSlot old = slots.get(slot.slot());
        if (old != null && old.seq() >= slot.seq()) {
            return this;
        }
        Map<String, TranscriptSlot> next = new HashMap<>(slots);
        next.put(slot.slot(), slot);
        long size = bytes - (old == null ? 0 : old.size()) + slot.size();
        return new Pending(deleted, aggregate, Collections.unmodifiableMap(next), removed, size);
    }

    Pending withoutSlot(String slot) {
        Map<String, TranscriptSlot> next = new HashMap<>(slots);
        TranscriptSlot old = next.remove(slot);
        Set<String> gone = new HashSet<>(removed);
        gone.add(slot);
        long size = bytes - (old == null ? 0 : old.size());
        return new Pending(
                deleted,
                aggregate,
                Collections.unmodifiableMap(next),
                Collections.unmodifiableSet(gone),
                size);
    }

    /** The stored slots with these changes applied. */
    Map<String, TranscriptSlot> applyTo(Map<String, TranscriptSlot> stored) {
        Map<String, TranscriptSlot> result = new HashMap<>(deleted ? Map.of() : stored);
        result.keySet().removeAll(removed);
        for (TranscriptSlot slot : slots.values()) {
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
}
