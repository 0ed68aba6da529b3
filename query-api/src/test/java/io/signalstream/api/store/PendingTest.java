package io.signalstream.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PendingTest {

    private static TranscriptSlot slot(String name, long seq, int bytes) {
        return new TranscriptSlot(name, seq, new byte[bytes]);
    }

    /**
     * Random writes, removals and deletions against the plainest model of what is pending: a map of
     * slots kept by the higher seq, the set of names removed, and the bytes of what is held.
     */
    @Test
    void keepsTheNewestOfEachSlotAndCountsItsBytesAsAMapWould() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            Pending p = random.nextInt(5) == 0 ? Pending.DELETED : Pending.NONE;
            Map<String, TranscriptSlot> slots = new HashMap<>();
            Set<String> removed = new HashSet<>();
            StoredAggregate aggregate = null;
            for (int step = 0; step < 300; step++) {
                String name = Integer.toString(random.nextInt(25));
                int kind = random.nextInt(20);
                if (kind == 0) {
                    p = p.withoutSlot(name);
                    slots.remove(name);
                    removed.add(name);
                } else if (kind == 1) {
                    aggregate = new StoredAggregate("t/c", step, new byte[random.nextInt(300)]);
                    p = p.withAggregate(aggregate);
                } else {
                    TranscriptSlot s = slot(name, random.nextInt(400), random.nextInt(200));
                    TranscriptSlot old = slots.get(name);
                    Pending before = p;
                    p = p.withSlot(s);
                    if (old == null || s.seq() > old.seq()) {
                        slots.put(name, s);
                    } else {
                        assertThat(p).isSameAs(before);
                    }
                }
                long bytes = aggregate == null ? 0 : aggregate.size();
                for (TranscriptSlot s : slots.values()) {
                    bytes += s.size();
                }
                assertThat(p.bytes()).isEqualTo(bytes);
            }
            Map<String, TranscriptSlot> stored = new HashMap<>();
            for (int i = 0; i < 25; i += 2) {
                stored.put(Integer.toString(i), slot(Integer.toString(i), 200, 10));
            }
            Map<String, TranscriptSlot> expected = new HashMap<>(p.deleted() ? Map.of() : stored);
            expected.keySet().removeAll(removed);
            slots.forEach((k, v) -> expected.merge(k, v, (a, b) -> b.seq() > a.seq() ? b : a));
            assertThat(p.applyTo(stored)).isEqualTo(expected);
            assertThat(p.aggregate()).isSameAs(aggregate);
        }
    }

    @Test
    void anOlderOrEqualSeqLeavesTheSlotAsItIs() {
        TranscriptSlot newer = slot("3", 10, 50);
        Pending p = Pending.NONE.withSlot(newer);
        assertThat(p.withSlot(slot("3", 10, 80))).isSameAs(p);
        assertThat(p.withSlot(slot("3", 9, 80))).isSameAs(p);
        assertThat(p.applyTo(Map.of())).containsExactly(Map.entry("3", newer));
        assertThat(p.withSlot(slot("3", 11, 80)).bytes()).isEqualTo(slot("3", 11, 80).size());
    }
}
