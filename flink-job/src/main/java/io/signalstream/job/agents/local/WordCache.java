package io.signalstream.job.agents.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the offline agents work out once per distinct word and then only look up. Thread-safe.
 *
 * <p>Bounded by {@code max} entries in two generations: new entries go to the young one; when it
 * holds half the bound it becomes the old one and the old one is dropped. A word found only in the
 * old generation is copied to the young one, so the words messages keep using stay while a stream
 * of one-off words (order numbers, names) passes through and costs work, never memory.
 */
final class WordCache<V> {

    private final int max;
    private final Function<String, V> compute;
    private volatile Map<String, V> young = new ConcurrentHashMap<>();
    private volatile Map<String, V> old = Map.of();

    /**
     * @param max entries kept at most, in both generations
     * @param compute a word's value; called again for a word no longer kept
     */
    WordCache(int max, Function<String, V> compute) {
        if (max < 2) {
            throw new IllegalArgumentException("a word cache keeps at least 2 words: " + max);
        }
        this.max = max;
        this.compute = compute;
    }

    V get(String word) {
        V v = young.get(word);
        if (v == null) {
            v = old.get(word);
            if (v == null) {
                v = compute.apply(word);
            }
            keep(word, v);
        }
        return v;
    }

    private void keep(String word, V v) {
        Map<String, V> y = young;
        if (y.size() >= max / 2) {
            synchronized (this) {
                if (young == y) {
                    old = y;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
        young.put(word, v);
    }

    /** Entries kept now, in both generations (a word in both counted twice). */
    int size() {
        return young.size() + old.size();
    }
}
