package io.signalstream.api.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conversations the store wrote last, as the index now holds them, with each transcript slot's
 * message text: a flush that writes one of them again need neither read its document back nor parse
 * every slot's JSON a second time. Least recently written first out, bounded by bytes (the
 * aggregate, the slots and their text); a conversation that does not fit is simply not kept.
 *
 * <p>An entry's maps are never changed once it is put, so its size counts the same on the way out.
 *
 * <p>Not thread-safe: the store touches it only while it holds its write lock.
 */
final class WrittenCache {

    /**
     * A conversation as written.
     *
     * @param aggregate its aggregate, or null for transcript slots alone
     * @param slots its transcript slots by name
     * @param texts the message text of each of those slots, by name (absent: none)
     */
    record Entry(
            StoredAggregate aggregate,
            Map<String, TranscriptSlot> slots,
            Map<String, String> texts) {

        long bytes() {
            long n = 64 + (aggregate == null ? 0 : aggregate.size());
            for (TranscriptSlot s : slots.values()) {
                n += s.size();
            }
            for (String t : texts.values()) {
                n += 2L * t.length() + 16;
            }
            return n;
        }

        /**
         * The text this entry holds for {@code slot}, if it was written from the very same record;
         * else null.
         */
        String text(TranscriptSlot slot) {
            return slots.get(slot.slot()) == slot ? texts.get(slot.slot()) : null;
        }
    }

    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;

    WrittenCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** What the index holds for {@code key}, when it is known here; null otherwise. */
    Entry get(String key) {
        return entries.get(key);
    }

    /** {@code key} was written as {@code entry}. */
    void put(String key, Entry entry) {
        remove(key);
        long size = entry.bytes();
        if (size > maxBytes) {
            return;
        }
        entries.put(key, entry);
        bytes += size;
        var eldest = entries.values().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().bytes();
            eldest.remove();
        }
    }

    /** {@code key} was deleted, or its write did not complete. */
    void remove(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.bytes();
        }
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }
}
