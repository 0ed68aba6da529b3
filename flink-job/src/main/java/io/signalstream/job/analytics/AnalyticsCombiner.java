package io.signalstream.job.analytics;

import io.signalstream.job.records.AnalyticsEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Combines a subtask's analytics events into partial buckets per tenant before the shuffle by
 * tenant, so the tenant's operator merges one partial per bucket a second instead of a record per
 * message (the local half of a local/global aggregation). Chained to the aggregator.
 *
 * <p>Holds nothing across a checkpoint: what it combined goes out before each barrier, so the
 * partials are part of the checkpoint's stream and nothing is lost or counted twice. Bounded: at
 * most {@link #MAX_BUCKETS} partial buckets are held, then they go out early.
 */
public final class AnalyticsCombiner extends AbstractStreamOperator<Tuple3<String, Long, byte[]>>
        implements OneInputStreamOperator<AnalyticsEvent, Tuple3<String, Long, byte[]>> {
    private static final long serialVersionUID = 1L;

    /** How often the partials go out. */
    static final long FLUSH_MS = 1_000;

    static final int MAX_BUCKETS = 3 * 256;

    private static final Granularity[] GRANULARITIES = Granularity.values();

    private transient Map<String, Map<Long, Bucket>> partial;
    private transient int held;

    // The buckets the last event went to: consecutive events of one tenant in one minute (most
    // of them, under load) skip the lookups.
    private transient String lastTenant;
    private transient Map<Long, Bucket> lastBuckets;
    private transient long[] lastStart;
    private transient Bucket[] last;

    @Override
    public void open() throws Exception {
        super.open();
        partial = new HashMap<>();
        lastStart = new long[GRANULARITIES.length];
        last = new Bucket[GRANULARITIES.length];
        schedule();
    }

    private void schedule() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService()
                .registerTimer(
                        now + FLUSH_MS,
                        t -> {
                            flush();
                            schedule();
                        });
    }

    @Override
    public void processElement(StreamRecord<AnalyticsEvent> element) {
        AnalyticsEvent e = element.getValue();
        if (!e.tenantId().equals(lastTenant)) {
            lastTenant = e.tenantId();
            lastBuckets = partial.computeIfAbsent(lastTenant, t -> new HashMap<>());
            Arrays.fill(last, null);
        }
        for (int i = 0; i < GRANULARITIES.length; i++) {
            Granularity g = GRANULARITIES[i];
            long start = g.start(e.atMs());
            Bucket b = last[i];
            if (b == null || lastStart[i] != start) {
                b = lastBuckets.get(g.key(start));
                if (b == null) {
                    b = new Bucket();
                    lastBuckets.put(g.key(start), b);
                    held++;
                }
                last[i] = b;
                lastStart[i] = start;
            }
            b.add(e, g);
        }
        if (held >= MAX_BUCKETS) {
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (held == 0) {
            return;
        }
        StreamRecord<Tuple3<String, Long, byte[]>> record = new StreamRecord<>(null);
        for (Map.Entry<String, Map<Long, Bucket>> tenant : partial.entrySet()) {
            for (Map.Entry<Long, Bucket> b : tenant.getValue().entrySet()) {
                output.collect(
                        record.replace(
                                Tuple3.of(tenant.getKey(), b.getKey(), b.getValue().toBytes())));
            }
        }
        partial.clear();
        held = 0;
        lastTenant = null;
        lastBuckets = null;
        Arrays.fill(last, null);
    }
}
