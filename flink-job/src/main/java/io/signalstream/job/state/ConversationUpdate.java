package io.signalstream.job.state;

import io.signalstream.model.ConversationState;
import io.signalstream.model.PiiResult;
import io.signalstream.model.RecentMessage;

/**
 * What the agents work on after each new message: the conversation so far, the message that changed
 * it (redacted), and the personal data found in that message before redaction.
 */
public record ConversationUpdate(ConversationState state, RecentMessage message, PiiResult pii) {

    public String key() {
        return state.key();
    }

    /**
     * The conversation's message count with this message; agents' results carry it as {@code seq}.
     */
    public long seq() {
        return state.messageCount();
    }
}
