package io.signalstream.job.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.junit.jupiter.api.Test;

/** The heap copy in front of a keyed value: bounded, least recently used out, written through. */
class RecentValuesTest {

    /** A keyed value as the state backend keeps it: one per key, the operator's key set first. */
    private static final class KeyedValue implements ValueState<String> {
        final Map<String, String> values = new HashMap<>();
        String key;
        int reads;

        @Override
        public String value() {
            reads++;
            return values.get(key);
        }

        @Override
        public void update(String value) {
            values.put(key, value);
        }

        @Override
        public void clear() {
            values.remove(key);
        }
    }

    private final KeyedValue state = new KeyedValue();

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
    void keepsAtMostItsCapacityTheLeastRecentlyUsedLeavingFirst() throws Exception {
        RecentValues<String, String> recent = new RecentValues<>(state, 2);
        write(recent, "a", "1");
        write(recent, "b", "2");
        assertThat(read(recent, "a")).isEqualTo("1"); // a is now newer than b
        write(recent, "c", "3");

        assertThat(recent.size()).isEqualTo(2);
        assertThat(read(recent, "a")).isEqualTo("1");
        assertThat(read(recent, "c")).isEqualTo("3");
        assertThat(state.reads).isZero();
        assertThat(read(recent, "b")).isEqualTo("2"); // from the state: written through
        assertThat(state.reads).isEqualTo(1);
        assertThat(recent.misses()).isEqualTo(1);

        for (int i = 0; i < 1_000; i++) {
            write(recent, "k" + i, "v" + i);
        }
        assertThat(recent.size()).isEqualTo(2);
        assertThat(state.values).hasSize(1_003);
    }

    @Test
    void everyWriteReachesTheStateAndAClearLeavesNothingBehind() throws Exception {
        RecentValues<String, String> recent = new RecentValues<>(state, 8);
        write(recent, "a", "1");
        write(recent, "a", "2");
        assertThat(state.values).containsEntry("a", "2");

        state.key = "a";
        recent.clear("a");
        assertThat(state.values).doesNotContainKey("a");
        assertThat(read(recent, "a")).isNull();
        assertThat(recent.size()).isZero();

        write(recent, "b", "1");
        write(recent, "b", null); // null clears, as ValueState#update does
        assertThat(state.values).doesNotContainKey("b");
        assertThat(read(recent, "b")).isNull();
    }

    @Test
    void withoutCapacityEveryReadGoesToTheState() throws Exception {
        RecentValues<String, String> recent = new RecentValues<>(state, 0);
        write(recent, "a", "1");
        assertThat(read(recent, "a")).isEqualTo("1");
        assertThat(read(recent, "a")).isEqualTo("1");
        assertThat(state.reads).isEqualTo(2);
        assertThat(recent.size()).isZero();
        assertThatThrownBy(() -> new RecentValues<>(state, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
