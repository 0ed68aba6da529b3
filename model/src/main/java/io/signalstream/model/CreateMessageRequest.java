package io.signalstream.model;

import java.time.Instant;
import java.util.Map;

/**
 * The body of {@code POST /v1/messages}. The tenant is never part of it: it comes from the caller's
 * credentials.
 *
 * @param messageId optional client idempotency key; a retry with the same id counts once
 * @param timestamp optional time the message was written; the server's clock when absent
 */
public record CreateMessageRequest(
        String conversationId,
        Sender sender,
        String message,
        Channel channel,
        String messageId,
        Instant timestamp,
        Map<String, String> metadata) {}
