package io.signalstream.job.conversation;

import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.Clip;
import io.signalstream.job.records.Conversation;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.ResponseTimes;
import io.signalstream.job.records.TranscriptLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one keyed pass per message (keyed by {@code tenant/conversation}): dedupe, the message count,
 * the agents' context, expiry and the planning of model calls, all in one state value, read and
 * written in RocksDB at most once per message and not at all while the conversation is among those
 * kept on the heap ({@link RecentValues}; the function runs in a {@link ConversationOperator}). It
 * hands the agents a compact {@link AgentRequest}: the new message and the context, never the whole
 * window.
 *
 * <p>Timers are lazy: one expiry timer per conversation, registered when it starts and moved only
 * when it fires early (a busy conversation registers no timer per message); the same for the
 * quiet-period timer of a model provider's summary calls.
 *
 * <p>Idleness is silence, not downtime: a conversation expires after the TTL without a message
 * while the job runs (the time the job was stopped, from this subtask's last activity before the
 * stop to its first after the restart, does not count), or when its next message is dated a TTL or
 * more after the previous one (so a replay of old history splits conversations as they were split
 * when live). Each life of a conversation has its own epoch, later than the one before.
 */
public final class ConversationFunction
        extends KeyedProcessFunction<String, InboundMessage, AgentRequest>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /**
     * Expiry timers are rounded up to buckets of a hundredth of the TTL (a minute at most), so
     * expiries of many conversations fire together.
     */
    static final long MAX_EXPIRY_BUCKET_MS = 60_000;

    private final ConversationSettings settings;
    private final CallPlanner planner;
    private final ContextFold fold;
    private final boolean keepWindow;
    private final long ttlMillis;
    private final long expiryBucketMillis;

    /** The conversation, its newest values on the heap (see {@link RecentValues}). */
    private transient RecentValues<String, Conversation> conversation;

    /** Sets the operator to a key: {@link ConversationOperator} runs this function. */
    private transient Consumer<Object> useKey;

    /**
     * The recent window as a model reads it, seq → line; kept only for providers that read it. At
     * most {@code window} lines of at most {@code windowLineChars} characters each.
     */
    private transient MapState<Long, TranscriptLine> window;

    /** This subtask's last activity (processing time), kept in every checkpoint. */
    private transient ListState<Long> lastActive;

    /** The last activity before the restore, 0 when unknown or not restored. */
    private transient long activeBeforeStop;

    /** The first activity after the restore, -1 until then. */
    private transient long activeAfterStart;

    /** The latest activity. */
    private transient long latestActivity;

    private transient Counter duplicatesDropped;
    private transient Counter conversationsStarted;
    private transient Counter conversationsExpired;
    private transient Counter conversationsErased;

    /**
     * @param planner when the provider's model is called
     * @param fold how the provider's context follows the messages
     * @param keepWindow whether the provider's model calls read the recent window
     */
    public ConversationFunction(
            ConversationSettings settings,
            CallPlanner planner,
            ContextFold fold,
            boolean keepWindow) {
        this.settings = settings;
        this.planner = planner;
        this.fold = fold;
        this.keepWindow = keepWindow;
        this.ttlMillis = settings.ttl().toMillis();
        this.expiryBucketMillis = Math.max(1, Math.min(MAX_EXPIRY_BUCKET_MS, ttlMillis / 100));
    }

    @Override
    public void open(OpenContext openContext) {
        if (useKey == null && settings.heapConversations() > 0) {
            throw new IllegalStateException(
                    "a ConversationFunction with conversations on the heap runs in a"
                            + " ConversationOperator, which writes them back under their keys");
        }
        conversation =
                new RecentValues<>(
                        getRuntimeContext()
                                .getState(
                                        new ValueStateDescriptor<>(
                                                "conversation", Conversation.class)),
                        settings.heapConversations(),
                        key -> useKey.accept(key));
        if (keepWindow) {
            window =
                    getRuntimeContext()
                            .getMapState(
                                    new MapStateDescriptor<>(
                                            "recent-window",
                                            Types.LONG,
                                            TypeInformation.of(TranscriptLine.class)));
        }
        duplicatesDropped = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
        conversationsStarted = getRuntimeContext().getMetricGroup().counter("conversationsStarted");
        conversationsExpired = getRuntimeContext().getMetricGroup().counter("conversationsExpired");
        conversationsErased = getRuntimeContext().getMetricGroup().counter("conversationsErased");
        // reads that went to RocksDB: the conversation new, or not among those on the heap
        getRuntimeContext()
                .getMetricGroup()
                .gauge("conversationStateReads", (Gauge<Long>) conversation::misses);
    }

    /** How this function sets its operator to a key; before {@link #open}. */
    void useKeys(Consumer<Object> useKey) {
        this.useKey = useKey;
    }

    /** Writes the conversations changed on the heap to the keyed state, each under its key. */
    void flush() {
        conversation.flush();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        lastActive =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("last-active-ms", Types.LONG));
        activeBeforeStop = 0;
        if (context.isRestored()) {
            for (Long at : lastActive.get()) {
                activeBeforeStop = Math.max(activeBeforeStop, at);
            }
        }
        activeAfterStart = -1;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        lastActive.update(List.of(Math.max(latestActivity, activeBeforeStop)));
    }

    /** The processing time now, noted as this subtask's latest activity. */
    private long active(TimerService timers) {
        long now = timers.currentProcessingTime();
        if (activeAfterStart < 0) {
            activeAfterStart = now;
        }
        latestActivity = now;
        return now;
    }

    /** How long the job was stopped before this subtask's restore, 0 when unknown. */
    private long downtime() {
        return activeBeforeStop > 0 && activeAfterStart > activeBeforeStop
                ? activeAfterStart - activeBeforeStop
                : 0;
    }

    @Override
    public void processElement(InboundMessage message, Context ctx, Collector<AgentRequest> out)
            throws Exception {
        String key = ctx.getCurrentKey();
        Conversation previous = conversation.value(key);
        TimerService timers = ctx.timerService();
        long now = active(timers);
        if (message.isErase()) {
            erase(key, previous, message, ctx, out);
            return;
        }
        long idHash = Dedupe.hash(message.messageId());
        if (previous != null && Dedupe.contains(previous.recentIds(), idHash)) {
            duplicatesDropped.inc();
            return;
        }
        long epoch = now;
        if (previous != null && silentForTtl(previous, message)) {
            // Dated a TTL or more after the previous message: that life ended; this one starts.
            expire(key, previous, now, out);
            epoch = Math.max(now, previous.epoch() + 1);
            previous = null;
        }
        long seq = previous == null ? 1 : previous.messageCount() + 1;
        ResponseTimes times =
                (previous == null ? ResponseTimes.NONE : previous.context().times())
                        .next(message.sender(), message.timestamp().toEpochMilli());
        ConversationContext context =
                fold.next(previous == null ? null : previous.context(), message, seq)
                        .withTimes(times);
        long expiryTimer = previous == null ? 0 : previous.expiryTimer();
        if (expiryTimer == 0) {
            // Once per conversation; when it fires early it moves itself (see onTimer).
            conversationsStarted.inc();
            expiryTimer = expiryBucket(now + ttlMillis);
            timers.registerProcessingTimeTimer(expiryTimer);
        }
        Conversation counted =
                new Conversation(
                        message.tenantId(),
                        message.conversationId(),
                        seq,
                        earlier(
                                previous == null ? null : previous.startedAt(),
                                message.timestamp()),
                        later(
                                previous == null ? null : previous.lastActivity(),
                                message.timestamp()),
                        now,
                        expiryTimer,
                        Dedupe.add(
                                previous == null ? null : previous.recentIds(),
                                settings.dedupeWindow(),
                                seq,
                                idHash),
                        context,
                        previous == null ? 0 : previous.plannedSeq(),
                        previous == null ? 0 : previous.quietDue(),
                        previous == null ? 0 : previous.quietTimer(),
                        previous == null ? epoch : previous.epoch());
        CallPlanner.Plan plan = planner.onMessage(counted, message, now);
        Conversation next = planned(counted, plan, timers);
        conversation.update(key, next);
        if (keepWindow) {
            window.put(seq, line(seq, message));
            if (seq > settings.window()) {
                window.remove(seq - settings.window());
            }
        }
        out.collect(
                new AgentRequest(
                        AgentRequest.Kind.MESSAGE,
                        message.tenantId(),
                        message.conversationId(),
                        seq,
                        message,
                        context,
                        List.of(),
                        now,
                        next.epoch()));
        if (plan.call() != null) {
            out.collect(modelCall(plan.call(), next, message, now));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AgentRequest> out)
            throws Exception {
        String key = ctx.getCurrentKey();
        Conversation c = conversation.value(key);
        if (c == null) {
            return;
        }
        TimerService timers = ctx.timerService();
        long now = active(timers);
        if (timestamp == c.expiryTimer()) {
            if (timestamp < activeAfterStart && c.lastSeenMs() <= activeBeforeStop) {
                // Due while the job was stopped: the stop is not silence.
                c = c.withLastSeenMs(c.lastSeenMs() + downtime());
            }
            long due = c.lastSeenMs() + ttlMillis;
            if (now >= due) {
                // Idle for the whole TTL: forget it, and have the aggregator remove what was
                // written for it from the compacted topics.
                expire(key, c, now, out);
                return;
            }
            long moved = expiryBucket(due);
            timers.registerProcessingTimeTimer(moved);
            c = c.withTimers(moved, c.plannedSeq(), c.quietDue(), c.quietTimer());
        }
        if (timestamp == c.quietTimer()) {
            if (c.quietDue() > 0 && now < c.quietDue()) {
                timers.registerProcessingTimeTimer(c.quietDue());
                c = c.withTimers(c.expiryTimer(), c.plannedSeq(), c.quietDue(), c.quietDue());
            } else if (c.quietDue() > 0) {
                CallPlanner.Plan plan = planner.onQuiet(c, now);
                c = c.withTimers(c.expiryTimer(), plan.plannedSeq(), 0, 0);
                if (plan.call() != null) {
                    out.collect(modelCall(plan.call(), c, null, now));
                }
            } else {
                c = c.withTimers(c.expiryTimer(), c.plannedSeq(), 0, 0);
            }
        }
        conversation.update(key, c);
    }

    /** Whether the message is dated a TTL or more after the conversation's latest message. */
    private boolean silentForTtl(Conversation c, InboundMessage message) {
        return c.lastActivity() != null
                && message.timestamp() != null
                && message.timestamp().toEpochMilli() - c.lastActivity().toEpochMilli()
                        >= ttlMillis;
    }

    /** Forgets the conversation and has the aggregator remove what was written for it. */
    private void expire(String key, Conversation c, long now, Collector<AgentRequest> out)
            throws Exception {
        conversation.clear(key);
        if (keepWindow) {
            window.clear();
        }
        conversationsExpired.inc();
        out.collect(
                new AgentRequest(
                        AgentRequest.Kind.EXPIRE,
                        c.tenantId(),
                        c.conversationId(),
                        c.messageCount(),
                        null,
                        null,
                        List.of(),
                        now,
                        c.epoch()));
    }

    /**
     * Forgets the conversation at once (its timers find no state and do nothing) and has the
     * aggregator remove what was written for it and record the erasure. Messages after this one
     * start a new conversation under the same id.
     */
    private void erase(
            String key,
            Conversation previous,
            InboundMessage erasure,
            Context ctx,
            Collector<AgentRequest> out)
            throws Exception {
        conversation.clear(key);
        if (keepWindow) {
            window.clear();
        }
        conversationsErased.inc();
        out.collect(
                new AgentRequest(
                        AgentRequest.Kind.ERASE,
                        erasure.tenantId(),
                        erasure.conversationId(),
                        previous == null ? 0 : previous.messageCount(),
                        erasure,
                        null,
                        List.of(),
                        ctx.timerService().currentProcessingTime(),
                        previous == null ? 0 : previous.epoch()));
    }

    /** The conversation with the planner's decision, and a quiet-period timer when one is due. */
    private static Conversation planned(
            Conversation c, CallPlanner.Plan plan, TimerService timers) {
        long quietTimer = c.quietTimer();
        if (plan.quietDue() > 0 && quietTimer == 0) {
            // One timer at a time: a later due time moves it when it fires.
            quietTimer = plan.quietDue();
            timers.registerProcessingTimeTimer(quietTimer);
        }
        return c.withTimers(c.expiryTimer(), plan.plannedSeq(), plan.quietDue(), quietTimer);
    }

    private AgentRequest modelCall(
            AgentRequest.Kind kind, Conversation c, InboundMessage message, long now)
            throws Exception {
        List<TranscriptLine> lines = new ArrayList<>(settings.window());
        if (keepWindow) {
            for (TranscriptLine line : window.values()) {
                lines.add(line);
            }
            lines.sort(Comparator.comparingLong(TranscriptLine::seq));
        }
        return new AgentRequest(
                kind,
                c.tenantId(),
                c.conversationId(),
                c.messageCount(),
                kind == AgentRequest.Kind.ANALYSIS ? message : null,
                c.context(),
                List.copyOf(lines),
                now,
                c.epoch());
    }

    private TranscriptLine line(long seq, InboundMessage message) {
        return new TranscriptLine(
                seq, message.sender(), Clip.marked(message.text(), settings.windowLineChars()));
    }

    private long expiryBucket(long due) {
        return (due / expiryBucketMillis + 1) * expiryBucketMillis;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
