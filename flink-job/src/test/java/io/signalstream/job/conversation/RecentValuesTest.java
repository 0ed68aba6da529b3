package io.signalstream.job.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.junit.jupiter.api.Test;

/**
 * The heap copy in front of a keyed value: bounded, least recently used out, written back under the
 * right key when a value leaves the heap and at a flush.
 */
class RecentValuesTest {

    /** A keyed value as the state backend keeps it: one per key, the operator's key set first. */
    private static final class KeyedValue implements ValueState<String> {
        final Map<String, String> values = new HashMap<>();
        String key;
        int reads;
        int writes;

        @Override
        public String value() {
            reads++;
            return values.get(key);
        }

        @Override
        public void update(String value) {
            writes++;
            values.put(key, value);
        }

        @Override
        public void clear() {
            values.remove(key);
        }
    }

    private final KeyedValue state = new KeyedValue();

    private RecentValues<String, String> recent(int capacity) {
        return new RecentValues<>(state, capacity, key -> state.key = key);
    }

    private String read(RecentValues<String, String> recent, String key) throws Exception {
        state.key = key;
        return recent.value(key);
    }

    private void write(RecentValues<String, String> recent, String key, String value)
            throws Exception {
        state.key = key;
        recent.update(key, value);
    }

    @Test
    void keepsAtMostItsCapacityTheLeastRecentlyUsedLeavingFirstWrittenUnderItsOwnKey()
            throws Exception {
        RecentValues<String, String> recent = recent(2);
        write(recent, "a", "1");
        write(recent, "b", "2");
        assertThat(state.writes).as("nothing written while on the heap").isZero();
        assertThat(read(recent, "a")).isEqualTo("1"); // a is now newer than b
        write(recent, "c", "3");

        // b left the heap: written under b, and the operator set back to c
        assertThat(state.values).containsExactly(Map.entry("b", "2"));
        assertThat(state.key).isEqualTo("c");
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.unwritten()).isEqualTo(2);
        assertThat(read(recent, "a")).isEqualTo("1");
        assertThat(read(recent, "c")).isEqualTo("3");
        assertThat(state.reads).isZero();
        assertThat(read(recent, "b")).isEqualTo("2"); // from the state
        assertThat(state.reads).isEqualTo(1);
        assertThat(recent.misses()).isEqualTo(1);

        for (int i = 0; i < 1_000; i++) {
            write(recent, "k" + i, "v" + i);
        }
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.unwritten()).isEqualTo(2);
        assertThat(state.values).hasSize(1_001); // all but the two newest
    }

    @Test
    void aFlushWritesEveryNewerValueUnderItsKeyOnce() throws Exception {
        RecentValues<String, String> recent = recent(8);
        write(recent, "a", "1");
        write(recent, "a", "2");
        write(recent, "b", "3");
        read(recent, "c");
        recent.flush();
        assertThat(state.values).containsOnly(Map.entry("a", "2"), Map.entry("b", "3"));
        assertThat(state.writes).isEqualTo(2);
        assertThat(recent.unwritten()).isZero();

        recent.flush();
        assertThat(state.writes).as("nothing new, nothing written").isEqualTo(2);
        assertThat(read(recent, "a")).isEqualTo("2");
    }

    @Test
    void aClearLeavesNothingBehindOnTheHeapOrInTheState() throws Exception {
        RecentValues<String, String> recent = recent(8);
        write(recent, "a", "1");
        recent.flush();
        write(recent, "a", "2");

        state.key = "a";
        recent.clear("a");
        recent.flush();
        assertThat(state.values).doesNotContainKey("a");
        assertThat(read(recent, "a")).isNull();
        assertThat(recent.size()).isZero();

        write(recent, "b", "1");
        write(recent, "b", null); // null clears, as ValueState#update does
        recent.flush();
        assertThat(state.values).doesNotContainKey("b");
        assertThat(read(recent, "b")).isNull();
    }

    @Test
    void withoutCapacityEveryReadAndWriteGoesToTheState() throws Exception {
        RecentValues<String, String> recent = recent(0);
        write(recent, "a", "1");
        assertThat(state.values).containsEntry("a", "1");
        assertThat(read(recent, "a")).isEqualTo("1");
        assertThat(read(recent, "a")).isEqualTo("1");
        assertThat(state.reads).isEqualTo(2);
        assertThat(recent.size()).isZero();
        assertThatThrownBy(() -> recent(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
