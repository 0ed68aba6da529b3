package io.signalstream.api;

import io.signalstream.model.ConversationState;
import io.signalstream.model.Topics;

/**
 * The latest state of every conversation (its redacted recent messages), from the compacted {@code
 * support.conversations.state} topic; the highest {@code message_count} wins.
 */
public final class TranscriptView extends CompactedView<ConversationState> {

    public TranscriptView(ApiSettings settings) {
        super(
                settings,
                Topics.prefixed(settings.topicPrefix(), Topics.CONVERSATIONS_STATE),
                ConversationState.class,
                ConversationState::key,
                ConversationState::messageCount);
    }
}
