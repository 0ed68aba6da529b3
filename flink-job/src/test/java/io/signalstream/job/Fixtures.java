package io.signalstream.job;

import io.signalstream.model.Channel;
import io.signalstream.model.Sender;
import io.signalstream.model.SupportMessage;
import java.time.Instant;
import java.util.Map;

/** Messages for tests. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

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

    public static SupportMessage customer(String conversation, String id, String text, int second) {
        return message("acme", conversation, id, Sender.CUSTOMER, text, second);
    }
}
