package io.signalstream.api.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Channel;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.TranscriptEntry;
import io.signalstream.model.Urgency;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Aggregates and transcript entries as the job writes them, for store and API tests. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final ObjectMapper MAPPER = Json.newMapper();

    private Fixtures() {}

    /** An aggregate of {@code messages} messages, last active {@code messages} seconds after T0. */
    public static AggregatedIntelligence aggregate(
            String tenant,
            String conversation,
            long messages,
            Intent intent,
            SentimentLabel sentiment,
            Urgency urgency,
            boolean escalation,
            String summary) {
        return new AggregatedIntelligence(
                tenant,
                conversation,
                AggregatedIntelligence.versionOf(messages),
                messages,
                new SentimentResult(sentiment, -0.5, 0.9, Emotion.FRUSTRATED, "cues"),
                null,
                new InsightsResult(
                        intent,
                        urgency,
                        List.of("check the order"),
                        escalation,
                        escalation ? "customer threatens to leave" : null,
                        List.of("delivery")),
                new SummaryResult(summary, List.of("parcel late"), ResolutionStatus.OPEN),
                new ReplyResult("sorry about that"),
                Map.of(),
                T0.plusSeconds(messages),
                List.of());
    }

    /** A plain aggregate: a delivery complaint, negative, high, no escalation. */
    public static AggregatedIntelligence aggregate(String tenant, String conversation, long n) {
        return aggregate(
                tenant,
                conversation,
                n,
                Intent.COMPLAINT,
                SentimentLabel.NEGATIVE,
                Urgency.HIGH,
                false,
                "Customer reports a late parcel");
    }

    public static StoredAggregate stored(AggregatedIntelligence a) {
        return new StoredAggregate(a.key(), a.version(), json(a));
    }

    public static TranscriptSlot slot(
            String tenant, String conversation, long seq, int window, String text) {
        TranscriptEntry e =
                new TranscriptEntry(
                        tenant,
                        conversation,
                        seq,
                        "m" + seq,
                        seq % 2 == 1 ? Sender.CUSTOMER : Sender.AGENT,
                        Channel.CHAT,
                        T0.plusSeconds(seq),
                        text);
        return new TranscriptSlot(
                Integer.toString(TranscriptEntry.slot(seq, window)), seq, json(e));
    }

    public static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
