package io.signalstream.job.agents.gemini;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.Sender;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides which conversation updates are worth a model call, per conversation, so the model is
 * called at most once per customer message and every result is still current when the conversation
 * goes quiet:
 *
 * <ul>
 *   <li>a customer message asks for a full analysis;
 *   <li>agent and system messages only change the summary: they are covered by the next analysis,
 *       or, after {@code summaryEvery} of them or a quiet period with none, by a summary-only call.
 * </ul>
 *
 * The call operator downstream further coalesces updates that arrive while a call is in flight.
 */
public final class LlmPlanner extends KeyedProcessFunction<String, ConversationUpdate, LlmTask> {
    private static final long serialVersionUID = 1L;

    private final Duration quiet;
    private final int summaryEvery;
    private final Duration ttl;

    /** The newest update no call has covered yet; null when every message is covered. */
    private transient ValueState<ConversationUpdate> uncovered;

    /** The seq of the last update a call was planned for. */
    private transient ValueState<Long> plannedSeq;

    /** When the pending quiet-period timer fires, so a newer message can move it. */
    private transient ValueState<Long> quietTimer;

    public LlmPlanner(Duration quiet, int summaryEvery, Duration ttl) {
        this.quiet = quiet;
        this.summaryEvery = summaryEvery;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig expiry = StateTtlConfig.newBuilder(ttl).build();
        uncovered =
                getRuntimeContext()
                        .getState(descriptor("uncovered", ConversationUpdate.class, expiry));
        plannedSeq = getRuntimeContext().getState(descriptor("planned-seq", Long.class, expiry));
        quietTimer = getRuntimeContext().getState(descriptor("quiet-timer", Long.class, expiry));
    }

    private static <T> ValueStateDescriptor<T> descriptor(
            String name, Class<T> type, StateTtlConfig expiry) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
        descriptor.enableTimeToLive(expiry);
        return descriptor;
    }

    @Override
    public void processElement(ConversationUpdate update, Context ctx, Collector<LlmTask> out)
            throws Exception {
        if (update.message().sender() == Sender.CUSTOMER) {
            plan(new LlmTask(update, true), ctx, out);
            return;
        }
        Long planned = plannedSeq.value();
        if (update.seq() - (planned == null ? 0 : planned) >= summaryEvery) {
            plan(new LlmTask(update, false), ctx, out);
            return;
        }
        uncovered.update(update);
        cancelQuietTimer(ctx);
        long at = ctx.timerService().currentProcessingTime() + quiet.toMillis();
        ctx.timerService().registerProcessingTimeTimer(at);
        quietTimer.update(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LlmTask> out)
            throws Exception {
        Long due = quietTimer.value();
        if (due == null || due != timestamp) {
            return;
        }
        quietTimer.clear();
        ConversationUpdate update = uncovered.value();
        if (update != null) {
            plan(new LlmTask(update, false), ctx, out);
        }
    }

    private void plan(LlmTask task, Context ctx, Collector<LlmTask> out) throws Exception {
        out.collect(task);
        plannedSeq.update(task.seq());
        uncovered.clear();
        cancelQuietTimer(ctx);
    }

    private void cancelQuietTimer(Context ctx) throws Exception {
        Long due = quietTimer.value();
        if (due != null) {
            ctx.timerService().deleteProcessingTimeTimer(due);
            quietTimer.clear();
        }
    }
}
