package io.signalstream.model;

import java.time.Instant;

/** A message kept in a conversation's recent window. {@code message} is always PII-redacted. */
public record RecentMessage(
        String messageId, Sender sender, String message, Channel channel, Instant timestamp) {}
