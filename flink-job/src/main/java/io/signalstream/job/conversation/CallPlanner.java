package io.signalstream.job.conversation;

import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.Conversation;
import io.signalstream.job.records.InboundMessage;
import java.io.Serializable;

/**
 * Decides, per conversation, when a remote model is asked: the part of a provider that lives in the
 * conversation operator, with its timers, so model calls need no shuffle of their own. The local
 * provider asks none ({@link #NONE}).
 */
public interface CallPlanner extends Serializable {

    /**
     * What to do after a message.
     *
     * @param call the model call to make now, or null
     * @param plannedSeq the newest seq a call is planned for, after this decision
     * @param quietDue when a summary-only call becomes due if no message comes first, 0 for none
     */
    record Plan(AgentRequest.Kind call, long plannedSeq, long quietDue) {}

    /**
     * @param conversation the conversation with {@code message} already counted
     */
    Plan onMessage(Conversation conversation, InboundMessage message, long now);

    /** The conversation stayed quiet until its {@code quietDue}. */
    Plan onQuiet(Conversation conversation, long now);

    /** Never calls a model. */
    CallPlanner NONE =
            new CallPlanner() {
                private static final long serialVersionUID = 1L;

                @Override
                public Plan onMessage(Conversation c, InboundMessage message, long now) {
                    return new Plan(null, c.plannedSeq(), 0);
                }

                @Override
                public Plan onQuiet(Conversation c, long now) {
                    return new Plan(null, c.plannedSeq(), 0);
                }
            };
}
