package io.signalstream.job.agents.gemini;

import io.signalstream.job.conversation.CallPlanner;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.Conversation;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.Sender;
import java.time.Duration;

/**
 * When a conversation is worth a model call, so the model is asked at most once per customer
 * message and every result is still current when the conversation goes quiet:
 *
 * <ul>
 *   <li>a customer message asks for a full analysis;
 *   <li>agent and system messages only change the summary: they are covered by the next analysis,
 *       or, after {@code summaryEvery} of them or a quiet period with none, by a summary-only call.
 * </ul>
 *
 * The call operator further coalesces requests that arrive while a call is in flight.
 */
public final class GeminiPlanner implements CallPlanner {
    private static final long serialVersionUID = 1L;

    private final long quietMillis;
    private final int summaryEvery;

    public GeminiPlanner(Duration quiet, int summaryEvery) {
        this.quietMillis = quiet.toMillis();
        this.summaryEvery = summaryEvery;
    }

    @Override
    public Plan onMessage(Conversation c, InboundMessage message, long now) {
        long seq = c.messageCount();
        if (message.sender() == Sender.CUSTOMER) {
            return new Plan(AgentRequest.Kind.ANALYSIS, seq, 0);
        }
        if (seq - c.plannedSeq() >= summaryEvery) {
            return new Plan(AgentRequest.Kind.SUMMARY, seq, 0);
        }
        return new Plan(null, c.plannedSeq(), now + quietMillis);
    }

    @Override
    public Plan onQuiet(Conversation c, long now) {
        return c.messageCount() > c.plannedSeq()
                ? new Plan(AgentRequest.Kind.SUMMARY, c.messageCount(), 0)
                : new Plan(null, c.plannedSeq(), 0);
    }
}
