package io.signalstream.job.conversation;

import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.Clip;
import io.signalstream.job.records.Conversation;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.TranscriptLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one keyed pass per message (keyed by {@code tenant/conversation}): dedupe, the message count,
 * the agents' context, expiry and the planning of model calls, all in one state value read and
 * written once per message. It hands the agents a compact {@link AgentRequest}: the new message and
 * the context, never the whole window.
 *
 * <p>Timers are lazy: one expiry timer per conversation, registered when it starts and moved only
 * when it fires early (a busy conversation registers no timer per message); the same for the
 * quiet-period timer of a model provider's summary calls.
 */
public final class ConversationFunction
        extends KeyedProcessFunction<String, InboundMessage, AgentRequest> {
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

    private transient ValueState<Conversation> conversation;

    /**
     * The recent window as a model reads it, seq → line; kept only for providers that read it. At
     * most {@code window} lines of at most {@code windowLineChars} characters each.
     */
    private transient MapState<Long, TranscriptLine> window;

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
        conversation =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("conversation", Conversation.class));
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
    }

    @Override
    public void processElement(InboundMessage message, Context ctx, Collector<AgentRequest> out)
            throws Exception {
        Conversation previous = conversation.value();
        if (message.isErase()) {
            erase(previous, message, ctx, out);
            return;
        }
        long idHash = Dedupe.hash(message.messageId());
        if (previous != null && Dedupe.contains(previous.recentIds(), idHash)) {
            duplicatesDropped.inc();
            return;
        }
        TimerService timers = ctx.timerService();
        long now = timers.currentProcessingTime();
        long seq = previous == null ? 1 : previous.messageCount() + 1;
        ConversationContext context =
                fold.next(previous == null ? null : previous.context(), message, seq);
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
                        previous == null ? 0 : previous.quietTimer());
        CallPlanner.Plan plan = planner.onMessage(counted, message, now);
        Conversation next = planned(counted, plan, timers);
        conversation.update(next);
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
                        now));
        if (plan.call() != null) {
            out.collect(modelCall(plan.call(), next, message, now));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AgentRequest> out)
            throws Exception {
        Conversation c = conversation.value();
        if (c == null) {
            return;
        }
        TimerService timers = ctx.timerService();
        long now = timers.currentProcessingTime();
        if (timestamp == c.expiryTimer()) {
            long due = c.lastSeenMs() + ttlMillis;
            if (now >= due) {
                // Idle for the whole TTL: forget it, and have the aggregator remove what was
                // written for it from the compacted topics.
                conversation.clear();
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
                                now));
                return;
            }
            long moved = expiryBucket(due);
            timers.registerProcessingTimeTimer(moved);
            c = with(c, moved, c.plannedSeq(), c.quietDue(), c.quietTimer());
        }
        if (timestamp == c.quietTimer()) {
            if (c.quietDue() > 0 && now < c.quietDue()) {
                timers.registerProcessingTimeTimer(c.quietDue());
                c = with(c, c.expiryTimer(), c.plannedSeq(), c.quietDue(), c.quietDue());
            } else if (c.quietDue() > 0) {
                CallPlanner.Plan plan = planner.onQuiet(c, now);
                c = with(c, c.expiryTimer(), plan.plannedSeq(), 0, 0);
                if (plan.call() != null) {
                    out.collect(modelCall(plan.call(), c, null, now));
                }
            } else {
                c = with(c, c.expiryTimer(), c.plannedSeq(), 0, 0);
            }
        }
        conversation.update(c);
    }

    /**
     * Forgets the conversation at once (its timers find no state and do nothing) and has the
     * aggregator remove what was written for it and record the erasure. Messages after this one
     * start a new conversation under the same id.
     */
    private void erase(
            Conversation previous, InboundMessage erasure, Context ctx, Collector<AgentRequest> out)
            throws Exception {
        conversation.clear();
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
                        ctx.timerService().currentProcessingTime()));
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
        return with(c, c.expiryTimer(), plan.plannedSeq(), plan.quietDue(), quietTimer);
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
                now);
    }

    private TranscriptLine line(long seq, InboundMessage message) {
        return new TranscriptLine(
                seq, message.sender(), Clip.marked(message.text(), settings.windowLineChars()));
    }

    private static Conversation with(
            Conversation c, long expiryTimer, long plannedSeq, long quietDue, long quietTimer) {
        return new Conversation(
                c.tenantId(),
                c.conversationId(),
                c.messageCount(),
                c.startedAt(),
                c.lastActivity(),
                c.lastSeenMs(),
                expiryTimer,
                c.recentIds(),
                c.context(),
                plannedSeq,
                quietDue,
                quietTimer);
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
