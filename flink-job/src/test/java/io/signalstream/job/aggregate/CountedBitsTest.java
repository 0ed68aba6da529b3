package io.signalstream.job.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountedBitsTest {

    private final CountedBits known = new CountedBits();

    @Test
    void knowsOnlyWhatWasPutForThatKeyAndLife() {
        assertThat(known.get("acme/c1", 7)).isEqualTo(CountedBits.UNKNOWN);
        known.put("acme/c1", 7, AggregatorFunction.ESCALATION_COUNTED);
        assertThat(known.get(new String("acme/c1"), 7))
                .isEqualTo(AggregatorFunction.ESCALATION_COUNTED);
        assertThat(known.get("acme/c1", 8)).as("another life").isEqualTo(CountedBits.UNKNOWN);
        assertThat(known.get("acme/c2", 7)).isEqualTo(CountedBits.UNKNOWN);
        known.put("acme/c1", 7, 0);
        assertThat(known.get("acme/c1", 7)).as("counted nothing is known too").isZero();
    }

    @Test
    void forgetsAClearedConversationButNotOneSharingItsSlot() {
        known.put("acme/c1", 7, 3);
        known.forget("acme/c1");
        assertThat(known.get("acme/c1", 7)).isEqualTo(CountedBits.UNKNOWN);

        String[] pair = sameSlot();
        known.put(pair[0], 1, 1);
        known.put(pair[1], 1, 2);
        assertThat(known.get(pair[0], 1))
                .as("the newest wins the slot")
                .isEqualTo(CountedBits.UNKNOWN);
        assertThat(known.get(pair[1], 1)).isEqualTo(2);
        known.forget(pair[0]);
        assertThat(known.get(pair[1], 1)).isEqualTo(2);
    }

    @Test
    void holdsAtMostItsSlots() {
        for (int i = 0; i < 10 * CountedBits.SLOTS; i++) {
            known.put("acme/c" + i, 1, 1);
        }
        int kept = 0;
        for (int i = 0; i < 10 * CountedBits.SLOTS; i++) {
            kept += known.get("acme/c" + i, 1) == CountedBits.UNKNOWN ? 0 : 1;
        }
        assertThat(kept).isPositive().isLessThanOrEqualTo(CountedBits.SLOTS);
    }

    /** Two keys that share a slot. */
    private static String[] sameSlot() {
        Map<Integer, String> bySlot = new HashMap<>();
        for (int i = 0; ; i++) {
            String key = "acme/c" + i;
            int h = key.hashCode();
            String other = bySlot.putIfAbsent((h ^ (h >>> 16)) & (CountedBits.SLOTS - 1), key);
            if (other != null) {
                return new String[] {other, key};
            }
        }
    }
}
