package io.signalstream.job.conversation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ValueState;

/**
 * A keyed {@link ValueState} whose values for the most recently used keys, at most {@code capacity}
 * of them, live on the heap and reach the state backend only when it matters: when a key leaves the
 * heap (least recently used first) and when the operator snapshots ({@link #flush}, called before
 * the keyed state is snapshotted). A key's next event therefore reads and writes neither RocksDB
 * nor a serializer, and a checkpoint holds exactly the values it would hold had every one been
 * written at once. The heap copy starts empty with each operator instance, after a restore as well;
 * what it held since the last checkpoint is replayed from the input after a failure, like every
 * other effect.
 *
 * <p>Sound only for immutable values and when every access to the state goes through this object,
 * each with the key the operator is set to. Writing a value back sets the operator to that value's
 * key ({@code useKey}) and then back. Not thread-safe: one per operator instance.
 *
 * @param <K> the operator's key
 * @param <V> the state's value, immutable
 */
final class RecentValues<K, V> {

    private final ValueState<V> state;
    private final int capacity;
    private final Consumer<K> useKey;
    private final Map<K, V> recent;

    /** Keys whose value on the heap is newer than the state's. */
    private final Set<K> dirty = new HashSet<>();

    /** The key of the call in progress: set back after a value leaving the heap is written. */
    private K current;

    private long misses;

    /**
     * @param capacity keys whose value is kept; 0 keeps none (every read and write goes to the
     *     state)
     * @param useKey sets the operator to a key
     */
    RecentValues(ValueState<V> state, int capacity, Consumer<K> useKey) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.state = state;
        this.capacity = capacity;
        this.useKey = useKey;
        this.recent =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                        if (size() <= RecentValues.this.capacity) {
                            return false;
                        }
                        if (dirty.remove(eldest.getKey())) {
                            writeBack(eldest.getKey(), eldest.getValue());
                            useKey.accept(current);
                        }
                        return true;
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
            current = key;
            recent.put(key, value);
        }
        return value;
    }

    /** Sets the value of {@code key}, the key the operator is set to. */
    void update(K key, V value) throws IOException {
        if (value == null) {
            clear(key);
        } else if (capacity == 0) {
            state.update(value);
        } else {
            current = key;
            recent.put(key, value);
            dirty.add(key);
        }
    }

    /** Removes the value of {@code key}, the key the operator is set to. */
    void clear(K key) {
        state.clear();
        recent.remove(key);
        dirty.remove(key);
    }

    /**
     * Writes every value newer than the state's to the state, each under its key; the operator is
     * left set to the last of them.
     */
    void flush() {
        for (K key : dirty) {
            writeBack(key, recent.get(key));
        }
        dirty.clear();
    }

    private void writeBack(K key, V value) {
        useKey.accept(key);
        try {
            state.update(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state of " + key, e);
        }
    }

    /** Keys whose value is kept on the heap now; never more than the capacity. */
    int size() {
        return recent.size();
    }

    /** Keys whose value on the heap the state does not have yet. */
    int unwritten() {
        return dirty.size();
    }

    /** Reads that went to the state. */
    long misses() {
        return misses;
    }
}
