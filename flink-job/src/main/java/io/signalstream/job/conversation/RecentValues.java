package io.signalstream.job.conversation;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;

/**
 * A keyed {@link ValueState} with the values of the most recently used keys also kept on the heap,
 * at most {@code capacity} of them, so that a key's next event reads neither the state backend nor
 * a serializer. Every write goes to the state too (write-through): checkpoints hold exactly what
 * they would without it, and the heap copy starts empty with each operator instance, after a
 * restore as well.
 *
 * <p>Sound only for immutable values and when every access to the state goes through this object,
 * each with the key the operator is set to. Not thread-safe: one per operator instance.
 *
 * @param <K> the operator's key
 * @param <V> the state's value, immutable
 */
final class RecentValues<K, V> {

    private final ValueState<V> state;
    private final int capacity;
    private final Map<K, V> recent;
    private long misses;

    /**
     * @param capacity keys whose value is kept; 0 keeps none (every read goes to the state)
     */
    RecentValues(ValueState<V> state, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.state = state;
        this.capacity = capacity;
        this.recent =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                        return size() > RecentValues.this.capacity;
                    }
                };
    }

    /** The value of {@code key}, the key the operator is set to; null when there is none. */
    V value(K key) throws IOException {
        V value = recent.get(key);
        if (value != null) {
            return value;
        }
        misses++;
        value = state.value();
        if (value != null && capacity > 0) {
            recent.put(key, value);
        }
        return value;
    }

    /** Sets the value of {@code key}, the key the operator is set to. */
    void update(K key, V value) throws IOException {
        if (value == null) {
            clear(key);
            return;
        }
        state.update(value);
        if (capacity > 0) {
            recent.put(key, value);
        }
    }

    /** Removes the value of {@code key}, the key the operator is set to. */
    void clear(K key) {
        state.clear();
        recent.remove(key);
    }

    /** Keys whose value is kept on the heap now; never more than the capacity. */
    int size() {
        return recent.size();
    }

    /** Reads that went to the state. */
    long misses() {
        return misses;
    }
}
