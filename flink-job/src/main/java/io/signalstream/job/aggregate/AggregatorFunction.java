package io.signalstream.job.aggregate;

import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.state.IdleTimer;
import io.signalstream.model.AgentStatus;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.SentimentPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Merges the agents' results for one conversation into a single {@link AggregatedIntelligence}. The
 * newest result per agent wins by {@code seq}; a late, older one never overwrites it.
 *
 * <p>Emissions are coalesced: the agents answer one message within milliseconds of each other, so
 * instead of one aggregate per agent result, changes within {@code emitInterval} go out together as
 * one aggregate (a processing-time timer in keyed state, so a restore still emits them). Each
 * emitted aggregate increases {@code version} by one. An interval of zero emits every change.
 */
public final class AggregatorFunction
        extends KeyedProcessFunction<String, AgentEvent, AggregatedIntelligence> {
    private static final long serialVersionUID = 1L;

    /**
     * Keys of conversations whose aggregate expired; written as tombstones to the compacted topic.
     */
    public static final OutputTag<String> EXPIRED = new OutputTag<>("expired-aggregates") {};

    /** PII entities kept per conversation; older ones beyond this are dropped first. */
    static final int MAX_PII_ENTITIES = 200;

    private final long ttlMillis;
    private final long emitIntervalMillis;
    private transient ValueState<AggregatedIntelligence> aggregate;

    /** When the pending changes go out; null when everything has been emitted. */
    private transient ValueState<Long> emitAt;

    private transient IdleTimer idleTimer;
    private transient Counter staleResults;
    private transient Counter emitted;

    public AggregatorFunction(Duration ttl, Duration emitInterval) {
        this.ttlMillis = ttl.toMillis();
        this.emitIntervalMillis = emitInterval.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        aggregate =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "aggregate", AggregatedIntelligence.class));
        idleTimer = new IdleTimer(getRuntimeContext(), ttlMillis);
        staleResults = getRuntimeContext().getMetricGroup().counter("staleResultsIgnored");
        emitted = getRuntimeContext().getMetricGroup().counter("aggregatesEmitted");
        emitAt = getRuntimeContext().getState(new ValueStateDescriptor<>("emit-at", Long.class));
    }

    @Override
    public void processElement(AgentEvent event, Context ctx, Collector<AggregatedIntelligence> out)
            throws Exception {
        AggregatedIntelligence current = aggregate.value();
        if (current == null) {
            current =
                    new AggregatedIntelligence(
                            event.tenantId(),
                            event.conversationId(),
                            0,
                            0,
                            null,
                            null,
                            null,
                            null,
                            null,
                            Map.of(),
                            null,
                            List.of());
        }
        AgentStatus status = current.agents().get(event.agent().wireName());
        boolean newer = status == null || event.seq() > status.seq();
        PiiResult pii = mergePii(current.pii(), event, newer);
        if (!newer && pii == current.pii()) {
            // A replayed or late result for a message count we already reflect.
            staleResults.inc();
            return;
        }
        Map<String, AgentStatus> agents = new HashMap<>(current.agents());
        if (newer) {
            agents.put(
                    event.agent().wireName(),
                    new AgentStatus(event.seq(), event.provider(), event.latencyMs()));
        }
        AggregatedIntelligence next =
                new AggregatedIntelligence(
                        current.tenantId(),
                        current.conversationId(),
                        current.version(),
                        Math.max(current.messageCount(), event.seq()),
                        newer && event.sentiment() != null
                                ? event.sentiment()
                                : current.sentiment(),
                        pii,
                        newer && event.insights() != null ? event.insights() : current.insights(),
                        newer && event.summary() != null ? event.summary() : current.summary(),
                        newer && event.reply() != null ? event.reply() : current.reply(),
                        agents,
                        Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()),
                        newer && event.sentiment() != null
                                ? trend(current.sentimentTrend(), event)
                                : current.sentimentTrend());
        idleTimer.reset(ctx.timerService());
        if (emitIntervalMillis <= 0) {
            emit(next, ctx.timerService().currentProcessingTime(), out);
            return;
        }
        aggregate.update(next);
        if (emitAt.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + emitIntervalMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            emitAt.update(at);
        }
    }

    /** Stores and sends the aggregate as the next version. */
    private void emit(
            AggregatedIntelligence merged, long now, Collector<AggregatedIntelligence> out)
            throws Exception {
        AggregatedIntelligence next =
                new AggregatedIntelligence(
                        merged.tenantId(),
                        merged.conversationId(),
                        merged.version() + 1,
                        merged.messageCount(),
                        merged.sentiment(),
                        merged.pii(),
                        merged.insights(),
                        merged.summary(),
                        merged.reply(),
                        merged.agents(),
                        Instant.ofEpochMilli(now),
                        merged.sentimentTrend());
        aggregate.update(next);
        emitAt.clear();
        emitted.inc();
        out.collect(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AggregatedIntelligence> out)
            throws Exception {
        Long due = emitAt.value();
        if (due != null && due == timestamp) {
            emit(aggregate.value(), timestamp, out);
        }
        if (idleTimer.isDue(timestamp)) {
            // Idle as long as the conversation state: drop it here and remove it from the compacted
            // topic, so a conversation that starts again later begins at version 1 without being
            // hidden behind its old, higher version.
            aggregate.clear();
            emitAt.clear();
            idleTimer.clear();
            ctx.output(EXPIRED, ctx.getCurrentKey());
        }
    }

    /** The trend with the event's score appended, keeping the most recent points. */
    private static List<SentimentPoint> trend(List<SentimentPoint> current, AgentEvent event) {
        List<SentimentPoint> points = new ArrayList<>(current);
        points.add(new SentimentPoint(event.seq(), event.sentiment().score()));
        int from = Math.max(0, points.size() - AggregatedIntelligence.MAX_TREND_POINTS);
        return List.copyOf(points.subList(from, points.size()));
    }

    /**
     * PII covers the whole conversation: entities from every message are kept (even from a late
     * result), while the redacted text follows the newest message.
     */
    private static PiiResult mergePii(PiiResult current, AgentEvent event, boolean newer) {
        PiiResult incoming = event.pii();
        if (incoming == null) {
            return current;
        }
        if (current == null) {
            return incoming;
        }
        Set<PiiEntity> merged = new LinkedHashSet<>(current.entities());
        boolean added = merged.addAll(incoming.entities());
        if (!added && !newer) {
            return current;
        }
        List<PiiEntity> entities = new ArrayList<>(merged);
        if (entities.size() > MAX_PII_ENTITIES) {
            entities = entities.subList(entities.size() - MAX_PII_ENTITIES, entities.size());
        }
        return new PiiResult(
                current.hasPii() || incoming.hasPii(),
                List.copyOf(entities),
                newer ? incoming.redactedMessage() : current.redactedMessage());
    }
}
