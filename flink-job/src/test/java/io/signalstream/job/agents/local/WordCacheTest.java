package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WordCacheTest {

    private final AtomicInteger computed = new AtomicInteger();
    private final WordCache<List<String>> cache =
            new WordCache<>(
                    100,
                    w -> {
                        computed.incrementAndGet();
                        return List.of(w);
                    });

    @Test
    void aWordIsWorkedOutOnceWhileKept() {
        List<String> first = cache.get("refund");
        assertThat(cache.get("refund")).isSameAs(first).containsExactly("refund");
        assertThat(computed).hasValue(1);
    }

    @Test
    void oneOffWordsStayWithinTheBoundAndTheWordsInUseStay() {
        List<String> used = cache.get("order");
        for (int i = 0; i < 10_000; i++) {
            cache.get("n" + i);
            assertThat(cache.size()).isLessThanOrEqualTo(100);
            if (i % 10 == 0) {
                assertThat(cache.get("order")).isSameAs(used);
            }
        }
        assertThat(cache.size()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void aWordNoLongerKeptIsWorkedOutAgain() {
        List<String> once = cache.get("parcel");
        List<String> fill = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fill.add("n" + i);
        }
        fill.forEach(cache::get);
        assertThat(cache.get("parcel")).isNotSameAs(once).isEqualTo(once);
        assertThat(computed).hasValue(202);
    }

    @Test
    void aBoundBelowTwoIsRefused() {
        assertThatThrownBy(() -> new WordCache<>(1, w -> w))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
