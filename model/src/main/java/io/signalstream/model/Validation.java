package io.signalstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules a message must meet, shared by the API (which answers 400) and the job (which sends
 * records that break them to the dead-letter topic).
 */
public final class Validation {

    public static final int MAX_MESSAGE_LENGTH = 16_000;
    public static final int MAX_METADATA_ENTRIES = 32;
    public static final int MAX_METADATA_KEY_LENGTH = 64;
    public static final int MAX_METADATA_VALUE_LENGTH = 512;

    /** One broken rule: which field and what is wrong with it, in words a person can act on. */
    public record Violation(String field, String problem) {
        @Override
        public String toString() {
            return field + ": " + problem;
        }
    }

    private Validation() {}

    /** Checks a request body; an empty list means it is acceptable. */
    public static List<Violation> check(CreateMessageRequest request) {
        List<Violation> out = new ArrayList<>();
        checkId(out, "conversation_id", request.conversationId());
        if (request.messageId() != null) {
            checkId(out, "message_id", request.messageId());
        }
        checkCommon(
                out, request.sender(), request.message(), request.channel(), request.metadata());
        return out;
    }

    /** Checks a message read from Kafka; an empty list means the job can process it. */
    public static List<Violation> check(SupportMessage message) {
        List<Violation> out = new ArrayList<>();
        checkId(out, "message_id", message.messageId());
        checkId(out, "tenant_id", message.tenantId());
        checkId(out, "conversation_id", message.conversationId());
        checkCommon(
                out, message.sender(), message.message(), message.channel(), message.metadata());
        if (message.timestamp() == null) {
            out.add(new Violation("timestamp", "is required"));
        }
        return out;
    }

    private static void checkCommon(
            List<Violation> out,
            Sender sender,
            String text,
            Channel channel,
            Map<String, String> metadata) {
        if (sender == null) {
            out.add(
                    new Violation(
                            "sender", "is required, one of " + WireEnums.allowed(Sender.class)));
        }
        if (channel == null) {
            out.add(
                    new Violation(
                            "channel", "is required, one of " + WireEnums.allowed(Channel.class)));
        }
        if (text == null || text.isBlank()) {
            out.add(new Violation("message", "is required and must not be blank"));
        } else if (text.length() > MAX_MESSAGE_LENGTH) {
            out.add(
                    new Violation(
                            "message",
                            "is "
                                    + text.length()
                                    + " characters long; the limit is "
                                    + MAX_MESSAGE_LENGTH));
        }
        if (metadata != null) {
            if (metadata.size() > MAX_METADATA_ENTRIES) {
                out.add(
                        new Violation(
                                "metadata",
                                "has "
                                        + metadata.size()
                                        + " entries; the limit is "
                                        + MAX_METADATA_ENTRIES));
            }
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey().length() > MAX_METADATA_KEY_LENGTH) {
                    out.add(
                            new Violation(
                                    "metadata",
                                    "key '"
                                            + e.getKey().substring(0, 16)
                                            + "…' is longer than "
                                            + MAX_METADATA_KEY_LENGTH
                                            + " characters"));
                }
                if (e.getValue() != null && e.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
                    out.add(
                            new Violation(
                                    "metadata." + e.getKey(),
                                    "is longer than " + MAX_METADATA_VALUE_LENGTH + " characters"));
                }
            }
        }
    }

    private static void checkId(List<Violation> out, String field, String value) {
        if (value == null || value.isEmpty()) {
            out.add(new Violation(field, "is required"));
        } else if (!ConversationKey.isValidId(value)) {
            out.add(new Violation(field, "must be " + ConversationKey.ID_RULE));
        }
    }
}
