package io.signalstream.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedListsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aListIsFoundByIdentityNotByContent() {
        EncodedLists cache = new EncodedLists(16, 1_000);
        List<String> list = List.of("a", "b");
        cache.put(list, utf8("[\"a\",\"b\"]"));
        assertThat(cache.get(list)).isEqualTo(utf8("[\"a\",\"b\"]"));
        assertThat(cache.get(List.copyOf(new ArrayList<>(list)))).isNull();
    }

    @Test
    void aListThatMayChangeIsNeverKept() {
        EncodedLists cache = new EncodedLists(16, 1_000);
        List<String> list = new ArrayList<>(List.of("a"));
        cache.put(list, utf8("[\"a\"]"));
        assertThat(cache.get(list)).isNull();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void slotsAndBytesBoundIt() {
        EncodedLists cache = new EncodedLists(4, 10);
        List<List<Integer>> lists = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            List<Integer> list = List.of(i);
            lists.add(list);
            cache.put(list, utf8("[" + (i % 10) + "]"));
            assertThat(cache.bytes()).isLessThanOrEqualTo(10);
        }
        long kept = lists.stream().filter(l -> cache.get(l) != null).count();
        assertThat(kept).isBetween(1L, 3L); // 4 slots, but 3 texts of 3 bytes fill 10
        List<Integer> big = List.of(-1);
        cache.put(big, utf8("[12345678901]")); // longer than the whole budget
        assertThat(cache.get(big)).isNull();
    }

    @Test
    void slotsArePowersOfTwo() {
        assertThatThrownBy(() -> new EncodedLists(12, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
