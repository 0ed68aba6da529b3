package io.signalstream.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WrittenCacheTest {

    private static WrittenCache.Entry entry(String key, int textChars) {
        TranscriptSlot slot =
                new TranscriptSlot("0", 1, "{\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        return new WrittenCache.Entry(
                new StoredAggregate(key, 1, new byte[100]),
                Map.of("0", slot),
                Map.of("0", "x".repeat(textChars)));
    }

    @Test
    void staysWithinItsBytesDroppingTheLeastRecentlyWritten() {
        long one = entry("t/100", 1_000).bytes(); // the longest key written below
        WrittenCache cache = new WrittenCache(3 * one);
        for (int i = 0; i < 100; i++) {
            cache.put("t/" + i, entry("t/" + i, 1_000));
            assertThat(cache.bytes()).isLessThanOrEqualTo(3 * one);
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get("t/99")).isNotNull();
        assertThat(cache.get("t/96")).isNull();

        // read recently: kept over the one written before it
        cache.get("t/97");
        cache.put("t/100", entry("t/100", 1_000));
        assertThat(cache.get("t/97")).isNotNull();
        assertThat(cache.get("t/98")).isNull();
    }

    @Test
    void anEntryLargerThanTheBoundIsNotKeptAndReplacesNothing() {
        WrittenCache cache = new WrittenCache(entry("t/a", 1_000).bytes() * 2);
        cache.put("t/a", entry("t/a", 1_000));
        cache.put("t/b", entry("t/b", 100_000));
        assertThat(cache.get("t/b")).isNull();
        assertThat(cache.get("t/a")).isNotNull();

        cache.put("t/a", entry("t/a", 100_000));
        assertThat(cache.get("t/a")).isNull();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void aSlotsTextIsReusedOnlyForTheSameRecord() {
        WrittenCache.Entry e = entry("t/a", 3);
        TranscriptSlot same = e.slots().get("0");
        TranscriptSlot newer = new TranscriptSlot("0", 2, same.json());
        assertThat(e.text(same)).isEqualTo("xxx");
        assertThat(e.text(newer)).isNull();
    }
}
