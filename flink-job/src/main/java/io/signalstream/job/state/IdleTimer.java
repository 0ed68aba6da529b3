package io.signalstream.job.state;

import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * One processing-time timer per key that fires once the key has been idle for the TTL. Each reset
 * deletes the previous timer, so a busy conversation never piles up timers. Made in a keyed
 * function's {@code open()}.
 */
public final class IdleTimer {

    private final long ttlMillis;
    private final ValueState<Long> due;

    public IdleTimer(RuntimeContext context, long ttlMillis) {
        this.ttlMillis = ttlMillis;
        this.due = context.getState(new ValueStateDescriptor<>("idle-expiry-timer", Types.LONG));
    }

    /** Pushes the current key's expiry to now + TTL. */
    public void reset(TimerService timers) throws IOException {
        Long previous = due.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
        }
        long next = timers.currentProcessingTime() + ttlMillis;
        timers.registerProcessingTimeTimer(next);
        due.update(next);
    }

    /**
     * Whether a timer firing at {@code timestamp} is the current key's expiry (not a stale one).
     */
    public boolean isDue(long timestamp) throws IOException {
        Long expected = due.value();
        return expected != null && expected == timestamp;
    }

    public void clear() {
        due.clear();
    }
}
