package io.signalstream.model;

/**
 * One piece of personal data found in a message.
 *
 * @param type Presidio's entity name, e.g. {@code EMAIL_ADDRESS}, {@code CREDIT_CARD}
 * @param start offset of the first character in the original message
 * @param end offset after the last character in the original message
 * @param masked a display form that hides the value, e.g. {@code ****1881}
 * @param messageId the message it was found in
 */
public record PiiEntity(
        String type, int start, int end, String masked, double confidence, String messageId) {}
