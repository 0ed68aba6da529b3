package io.signalstream.job.records;

import io.signalstream.model.AgentKind;
import io.signalstream.model.Channel;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One value of every record the job serializes, every field set, for the format tests. */
final class Samples {

    static final Instant T = Instant.parse("2026-01-15T10:00:00.123456789Z");
    static final PiiEntity ENTITY =
            new PiiEntity("EMAIL_ADDRESS", 8, 23, "b***@example.org", 0.95, "m-1");
    static final MessageSignals SIGNALS =
            new MessageSignals(
                    -0.62f,
                    0.5f,
                    -2.25f,
                    1.25f,
                    List.of("\"never arrived\"", "very angry"),
                    Intent.REFUND_REQUEST,
                    4,
                    true,
                    MessageSignals.EMOTION_ANGRY | MessageSignals.EMOTION_FRUSTRATED,
                    0b101,
                    false);
    static final InboundMessage MESSAGE =
            new InboundMessage(
                    "acme",
                    "order-42",
                    "m-1",
                    Sender.CUSTOMER,
                    Channel.EMAIL,
                    T,
                    "Mail me <EMAIL_ADDRESS> 😀, my refund never arrived",
                    List.of(ENTITY),
                    SIGNALS);
    static final ConversationContext CONTEXT =
            new ConversationContext(
                    -1.5,
                    2.4,
                    7,
                    SIGNALS,
                    "Mail me <EMAIL_ADDRESS>",
                    List.of("\"never arrived\""),
                    Intent.REFUND_REQUEST,
                    new long[] {0, 0, 3, 0, 7, 0},
                    5,
                    new long[] {7, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                    7,
                    1,
                    "My parcel never came",
                    Intent.SHIPPING_DELIVERY,
                    List.of("customer: a", "agent: b", "customer: c"),
                    Sender.CUSTOMER,
                    true,
                    List.of(new SentimentPoint(1, -0.2), new SentimentPoint(7, -0.6)),
                    List.of(ENTITY),
                    ResponseTimes.NONE);
    static final TranscriptLine LINE =
            new TranscriptLine(7, Sender.AGENT, "On it … [3 more characters]");
    static final SentimentResult SENTIMENT =
            new SentimentResult(SentimentLabel.MIXED, -0.1, 0.6, Emotion.CONFUSED, "cues");
    static final InsightsResult INSIGHTS =
            new InsightsResult(
                    Intent.BILLING,
                    Urgency.CRITICAL,
                    List.of("Escalate", "Refund"),
                    true,
                    "chargeback threat",
                    List.of("billing", "payment"));
    static final SummaryResult SUMMARY =
            new SummaryResult("Disputes a charge.", List.of("charge"), ResolutionStatus.PENDING);
    static final ReplyResult REPLY = new ReplyResult("Let me check.");
    static final PiiResult PII = new PiiResult(true, List.of(ENTITY), "Mail me <EMAIL_ADDRESS>");
    static final AgentRun RUN =
            new AgentRun(
                    AgentKind.INSIGHTS, 7, "local-fallback", "local-rules-v1", 812, 3, "timeout");
    static final LlmUsage USAGE = new LlmUsage("analysis-v1", "call-1", 812, 190, 2, "timeout");

    static final Conversation CONVERSATION =
            new Conversation(
                    "acme",
                    "order-42",
                    7,
                    T,
                    T.plusSeconds(90),
                    1_700_000_000_000L,
                    1_700_604_860_000L,
                    new long[] {11, -22, 33, 0},
                    CONTEXT,
                    6,
                    1_700_000_010_000L,
                    1_700_000_010_000L,
                    0);
    static final AgentRequest REQUEST =
            new AgentRequest(
                    AgentRequest.Kind.ANALYSIS,
                    "acme",
                    "order-42",
                    7,
                    MESSAGE,
                    CONTEXT,
                    List.of(LINE, new TranscriptLine(8, Sender.CUSTOMER, "thanks")),
                    1_700_000_000_000L);
    static final AgentResults RESULTS =
            new AgentResults(
                    REQUEST, SENTIMENT, PII, INSIGHTS, SUMMARY, REPLY, List.of(RUN), USAGE, "why");
    static final ModelParts PARTS =
            new ModelParts(
                    7_001,
                    SENTIMENT,
                    PII,
                    INSIGHTS,
                    SUMMARY,
                    REPLY,
                    List.of(RUN),
                    List.of(new SentimentPoint(7, -0.1)),
                    List.of(ENTITY));
    static final SinkRecord SINK =
            new SinkRecord(
                    "support.ai.aggregated",
                    "acme/order-42".getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8),
                    List.of(SinkRecord.Header.of("version", "7001")));
    static final SourceRecord SOURCE =
            new SourceRecord(
                    "support.messages.raw",
                    3,
                    12_345,
                    1_700_000_000_000L,
                    "acme/order-42".getBytes(StandardCharsets.UTF_8),
                    "{\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8));

    /** Every serialized type with its sample, by the type's simple name. */
    static Map<Class<?>, Object> all() {
        Map<Class<?>, Object> all = new LinkedHashMap<>();
        all.put(Conversation.class, CONVERSATION);
        all.put(TranscriptLine.class, LINE);
        all.put(ModelParts.class, PARTS);
        all.put(AgentRequest.class, REQUEST);
        all.put(AgentResults.class, RESULTS);
        all.put(InboundMessage.class, MESSAGE);
        all.put(SinkRecord.class, SINK);
        all.put(SourceRecord.class, SOURCE);
        return all;
    }

    private Samples() {}
}
