package io.signalstream.job.conversation;

/**
 * The dedupe window: 64-bit hashes of the newest message ids of a conversation in a ring indexed by
 * seq. A message id seen among the newest {@code ring.length} messages counts once; the chance that
 * two different ids share a hash within one ring is about {@code n² / 2^65}.
 */
public final class Dedupe {

    private Dedupe() {}

    public static long hash(String messageId) {
        long h = 0x9E3779B97F4A7C15L ^ messageId.length();
        for (int i = 0; i < messageId.length(); i++) {
            h = (h ^ messageId.charAt(i)) * 0x100000001B3L;
            h = Long.rotateLeft(h, 23) * 0xBF58476D1CE4E5B9L;
        }
        // SplitMix64's finaliser spreads every input bit over the whole result.
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    public static boolean contains(long[] ring, long hash) {
        for (long h : ring) {
            if (h == hash) {
                return true;
            }
        }
        return false;
    }

    /** A new ring of {@code size} with {@code hash} as the id of message {@code seq}. */
    public static long[] add(long[] ring, int size, long seq, long hash) {
        long[] next = new long[size];
        if (ring != null) {
            // The window may have been resized by configuration: keep what still fits.
            System.arraycopy(ring, 0, next, 0, Math.min(ring.length, size));
        }
        next[(int) ((seq - 1) % size)] = hash;
        return next;
    }
}
