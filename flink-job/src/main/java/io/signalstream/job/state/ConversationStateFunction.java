package io.signalstream.job.state;

import io.signalstream.job.pii.PiiDetector;
import io.signalstream.model.ConversationState;
import io.signalstream.model.PiiResult;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.SupportMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps one conversation (keyed by {@code tenant/conversation}) in state: counts distinct messages,
 * keeps a bounded window of recent ones with PII redacted, and forgets the conversation after it
 * has been idle for the configured time.
 */
public final class ConversationStateFunction
        extends KeyedProcessFunction<String, SupportMessage, ConversationUpdate> {
    private static final long serialVersionUID = 1L;

    private final int recentWindow;
    private final long ttlMillis;
    private final String phoneRegion;

    private transient ValueState<ConversationState> conversation;
    private transient MapState<String, Boolean> seenMessageIds;
    private transient IdleTimer idleTimer;
    private transient PiiDetector piiDetector;
    private transient Counter duplicatesDropped;

    /** Conversations started and expired by this subtask since it started (rates, not a level). */
    private transient Counter conversationsStarted;

    private transient Counter conversationsExpired;

    /**
     * @param phoneRegion region for phone numbers written without a country code, e.g. US
     */
    public ConversationStateFunction(int recentWindow, Duration ttl, String phoneRegion) {
        if (recentWindow < 1) {
            throw new IllegalArgumentException("recent window must hold at least one message");
        }
        this.recentWindow = recentWindow;
        this.ttlMillis = ttl.toMillis();
        this.phoneRegion = phoneRegion;
    }

    @Override
    public void open(OpenContext openContext) {
        conversation =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "conversation", ConversationState.class));
        // Every message id ever seen in this conversation, so a redelivered message counts once.
        // It lives exactly as long as the conversation: the idle timer clears it with the rest.
        seenMessageIds =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "seen-message-ids", Types.STRING, Types.BOOLEAN));
        idleTimer = new IdleTimer(getRuntimeContext(), ttlMillis);
        piiDetector = new PiiDetector(phoneRegion);
        duplicatesDropped = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
        conversationsStarted = getRuntimeContext().getMetricGroup().counter("conversationsStarted");
        conversationsExpired = getRuntimeContext().getMetricGroup().counter("conversationsExpired");
    }

    @Override
    public void processElement(
            SupportMessage message, Context ctx, Collector<ConversationUpdate> out)
            throws Exception {
        if (seenMessageIds.contains(message.messageId())) {
            duplicatesDropped.inc();
            return;
        }
        seenMessageIds.put(message.messageId(), Boolean.TRUE);

        PiiResult pii = piiDetector.detect(message.message(), message.messageId());
        RecentMessage recent =
                new RecentMessage(
                        message.messageId(),
                        message.sender(),
                        pii.redactedMessage(),
                        message.channel(),
                        message.timestamp());

        ConversationState previous = conversation.value();
        if (previous == null) {
            conversationsStarted.inc();
        }
        List<RecentMessage> window = new ArrayList<>(recentWindow);
        if (previous != null) {
            List<RecentMessage> before = previous.recentMessages();
            window.addAll(
                    before.subList(Math.max(0, before.size() - (recentWindow - 1)), before.size()));
        }
        window.add(recent);

        ConversationState next =
                new ConversationState(
                        message.tenantId(),
                        message.conversationId(),
                        previous == null ? 1 : previous.messageCount() + 1,
                        window,
                        message.messageId(),
                        previous == null
                                ? message.timestamp()
                                : earlier(previous.startedAt(), message.timestamp()),
                        previous == null
                                ? message.timestamp()
                                : later(previous.lastActivity(), message.timestamp()));
        conversation.update(next);
        idleTimer.reset(ctx.timerService());
        out.collect(new ConversationUpdate(next, recent, pii));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ConversationUpdate> out)
            throws Exception {
        if (idleTimer.isDue(timestamp)) {
            // Idle for the whole TTL: forget it, so RocksDB does not grow with every conversation
            // ever seen.
            conversation.clear();
            seenMessageIds.clear();
            idleTimer.clear();
            conversationsExpired.inc();
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
