package io.signalstream.job.analytics;

import io.signalstream.job.records.SinkRecord;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A tenant's analytics, keyed by tenant: merges the subtasks' partial buckets into the tenant's
 * minute, hour and day buckets (event time, tumbling, UTC) and writes each changed bucket to the
 * compacted {@code support.analytics}, key {@code tenant/granularity/start}. A bucket takes late
 * messages until its allowed lateness has passed ({@link Granularity}); later ones are counted in
 * {@code analyticsLateDropped} and left out. Buckets past their lateness leave the state, so a
 * tenant holds at most about 130 minute, 50 hour and 9 day buckets.
 */
public final class AnalyticsFunction
        extends KeyedProcessFunction<String, Tuple3<String, Long, byte[]>, SinkRecord> {
    private static final long serialVersionUID = 1L;

    /** How often a tenant's closed buckets are swept out of the state. */
    static final long SWEEP_MS = 10 * 60_000L;

    private transient MapState<Long, byte[]> buckets;
    private transient ValueState<Long> nextSweep;
    private transient Counter late;
    private transient Counter written;

    @Override
    public void open(OpenContext openContext) {
        buckets =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "analytics-buckets",
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        nextSweep =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("analytics-next-sweep", Types.LONG));
        late = getRuntimeContext().getMetricGroup().counter("analyticsLateDropped");
        written = getRuntimeContext().getMetricGroup().counter("analyticsBucketsWritten");
    }

    @Override
    public void processElement(
            Tuple3<String, Long, byte[]> partial, Context ctx, Collector<SinkRecord> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        long key = partial.f1;
        Granularity g = Granularity.ofKey(key);
        long start = Granularity.startOfKey(key);
        if (!g.open(start, now)) {
            late.inc(Bucket.fromBytes(partial.f2).messages);
            return;
        }
        byte[] stored = buckets.get(key);
        Bucket bucket;
        if (stored == null) {
            bucket = Bucket.fromBytes(partial.f2);
        } else {
            bucket = Bucket.fromBytes(stored);
            bucket.merge(Bucket.fromBytes(partial.f2));
        }
        buckets.put(key, bucket.toBytes());
        String tenant = ctx.getCurrentKey();
        out.collect(
                new SinkRecord(
                        Topics.ANALYTICS,
                        recordKey(tenant, g, start).getBytes(StandardCharsets.UTF_8),
                        bucket.json(tenant, g, start, now),
                        List.of()));
        written.inc();
        Long sweep = nextSweep.value();
        if (sweep == null || now >= sweep) {
            sweep(now);
            nextSweep.update(now + SWEEP_MS);
        }
    }

    /** The record key of a bucket: {@code tenant/granularity/start}. */
    public static String recordKey(String tenant, Granularity g, long start) {
        return tenant + "/" + g.wireName() + "/" + Instant.ofEpochMilli(start);
    }

    private void sweep(long now) throws Exception {
        List<Long> closed = new ArrayList<>();
        Iterator<Map.Entry<Long, byte[]>> all = buckets.iterator();
        while (all.hasNext()) {
            long key = all.next().getKey();
            if (!Granularity.ofKey(key).open(Granularity.startOfKey(key), now)) {
                closed.add(key);
            }
        }
        for (Long key : closed) {
            buckets.remove(key);
        }
    }
}
