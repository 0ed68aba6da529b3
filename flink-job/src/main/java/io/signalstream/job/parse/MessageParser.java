package io.signalstream.job.parse;

import com.fasterxml.jackson.databind.ObjectReader;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Validation;
import java.io.IOException;
import java.util.List;

/**
 * Reads a raw record's value as a {@link SupportMessage} and checks the validation rules the API
 * applies. A record that cannot be one is rejected with the stage and a reason a person can act on;
 * nothing throws.
 */
public final class MessageParser {

    /** A message, or why there is none ({@code stage} is {@code parse} or {@code validate}). */
    public record Parsed(SupportMessage message, String stage, String reason) {
        public boolean ok() {
            return message != null;
        }
    }

    private final ObjectReader reader = Json.newMapper().readerFor(SupportMessage.class);

    public Parsed parse(byte[] value) {
        if (value == null || value.length == 0) {
            return new Parsed(null, "parse", "empty record value");
        }
        SupportMessage message;
        try {
            message = reader.readValue(value);
        } catch (IOException | RuntimeException e) {
            return new Parsed(
                    null, "parse", "not a valid support message: " + firstLine(e.getMessage()));
        }
        if (message == null) {
            return new Parsed(null, "parse", "record value is JSON null");
        }
        List<Validation.Violation> violations = Validation.check(message);
        if (!violations.isEmpty()) {
            return new Parsed(null, "validate", violations.toString());
        }
        return new Parsed(message, null, null);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
