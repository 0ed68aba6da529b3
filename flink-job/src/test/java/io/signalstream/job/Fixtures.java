package io.signalstream.job;

import io.signalstream.job.agents.local.MessageAnalyzer;
import io.signalstream.job.parse.ParseFunction;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.Channel;
import io.signalstream.model.Sender;
import io.signalstream.model.SupportMessage;
import java.time.Instant;
import java.util.Map;

/** Messages for tests, made the way the parse stage makes them. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    private static final PiiDetector PII = new PiiDetector("US");
    private static final MessageAnalyzer ANALYZER = new MessageAnalyzer();

    private Fixtures() {}

    public static SupportMessage message(
            String tenant, String conversation, String id, Sender sender, String text, int second) {
        return new SupportMessage(
                id,
                tenant,
                conversation,
                sender,
                text,
                Channel.CHAT,
                T0.plusSeconds(second),
                Map.of("source", "test"));
    }

    /** {@code message} redacted and analysed, as it crosses the keyBy. */
    public static InboundMessage inbound(SupportMessage m) {
        return ParseFunction.inbound(m, PII, ANALYZER);
    }

    public static InboundMessage inbound(
            String tenant, String conversation, String id, Sender sender, String text, int second) {
        return inbound(message(tenant, conversation, id, sender, text, second));
    }

    public static InboundMessage customer(String conversation, String id, String text, int second) {
        return inbound("acme", conversation, id, Sender.CUSTOMER, text, second);
    }

    public static InboundMessage agent(String conversation, String id, String text, int second) {
        return inbound("acme", conversation, id, Sender.AGENT, text, second);
    }

    /** The raw JSON of a message, as the API writes it to {@code support.messages.raw}. */
    public static String json(
            String tenant, String conversation, String id, String sender, String text) {
        return """
                {"message_id":"%s","tenant_id":"%s","conversation_id":"%s","sender":"%s","message":"%s",
                 "channel":"chat","timestamp":"2026-01-15T10:00:00Z","metadata":{}}"""
                .formatted(id, tenant, conversation, sender, text);
    }
}
