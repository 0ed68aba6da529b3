package io.signalstream.job.conversation;

import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import java.io.Serializable;

/**
 * Folds a new message into the context the agents keep of a conversation; given by the provider.
 */
@FunctionalInterface
public interface ContextFold extends Serializable {

    /**
     * @param previous the context before the message; null for a conversation's first message
     * @param seq the conversation's message count with {@code message}
     */
    ConversationContext next(ConversationContext previous, InboundMessage message, long seq);
}
