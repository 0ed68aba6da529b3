package io.signalstream.api;

import io.signalstream.model.ConversationErasure;
import io.signalstream.model.SupportMessage;

/** Where accepted messages go: {@code support.messages.raw} ({@link MessageIngest}). */
public interface MessageLog extends AutoCloseable {

    /** Thrown when the log did not confirm the write in time; the client should retry. */
    final class NotAcknowledged extends Exception {
        private static final long serialVersionUID = 1L;

        public NotAcknowledged(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes the message and returns once it is durably stored. */
    default void write(SupportMessage message) throws NotAcknowledged {
        write(message, null);
    }

    /**
     * Writes the message with its W3C {@code traceparent} (on the record's header; null for none)
     * and returns once it is durably stored.
     */
    void write(SupportMessage message, String traceparent) throws NotAcknowledged;

    /**
     * Writes the request to erase a conversation after its messages (the job clears it in order)
     * and records it on the audit topic; returns once both are durably stored.
     */
    void erase(ConversationErasure erasure) throws NotAcknowledged;

    @Override
    void close();
}
