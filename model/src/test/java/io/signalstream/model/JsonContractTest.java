package io.signalstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON on every topic and endpoint matches the contracts in DESIGN.md, field by field. */
class JsonContractTest {

    private final ObjectMapper mapper = Json.newMapper();
    private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

    private List<String> fields(Object value) {
        JsonNode node = mapper.valueToTree(value);
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private <T> T roundTrip(T value, Class<T> type) throws Exception {
        return mapper.readValue(mapper.writeValueAsString(value), type);
    }

    @Test
    void supportMessage() throws Exception {
        SupportMessage m =
                new SupportMessage(
                        "m1",
                        "acme",
                        "c1",
                        Sender.CUSTOMER,
                        "hi",
                        Channel.EMAIL,
                        T,
                        Map.of("k", "v"));
        assertThat(fields(m))
                .containsExactly(
                        "message_id",
                        "tenant_id",
                        "conversation_id",
                        "sender",
                        "message",
                        "channel",
                        "timestamp",
                        "metadata");
        JsonNode node = mapper.valueToTree(m);
        assertThat(node.get("sender").asText()).isEqualTo("customer");
        assertThat(node.get("channel").asText()).isEqualTo("email");
        assertThat(node.get("timestamp").asText()).isEqualTo("2026-01-15T10:00:00Z");
        assertThat(roundTrip(m, SupportMessage.class)).isEqualTo(m);
        assertThat(m.key()).isEqualTo("acme/c1");
    }

    @Test
    void createMessageRequestReadsSnakeCaseAndRejectsUnknownEnums() throws Exception {
        CreateMessageRequest r =
                mapper.readValue(
                        """
                {"conversation_id":"c1","sender":"agent","message":"hello","channel":"voice",
                 "message_id":"k-1","timestamp":"2026-01-15T10:00:00Z","metadata":{"a":"b"}}""",
                        CreateMessageRequest.class);
        assertThat(r)
                .isEqualTo(
                        new CreateMessageRequest(
                                "c1",
                                Sender.AGENT,
                                "hello",
                                Channel.VOICE,
                                "k-1",
                                T,
                                Map.of("a", "b")));
        assertThatThrownBy(
                        () -> mapper.readValue("{\"sender\":\"bot\"}", CreateMessageRequest.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasMessageContaining("'bot' is not one of customer|agent|system");
    }

    @Test
    void conversationState() throws Exception {
        ConversationState s =
                new ConversationState(
                        "acme",
                        "c1",
                        2,
                        List.of(
                                new RecentMessage(
                                        "m1", Sender.CUSTOMER, "<EMAIL_ADDRESS>", Channel.CHAT, T)),
                        "m1",
                        T,
                        T);
        assertThat(fields(s))
                .containsExactly(
                        "tenant_id",
                        "conversation_id",
                        "message_count",
                        "recent_messages",
                        "last_message_id",
                        "started_at",
                        "last_activity");
        assertThat(roundTrip(s, ConversationState.class)).isEqualTo(s);
    }

    @Test
    void transcriptEntryAndItsSlotKey() throws Exception {
        TranscriptEntry e =
                new TranscriptEntry(
                        "acme", "c1", 23, "m23", Sender.AGENT, Channel.CHAT, T, "<PHONE_NUMBER>");
        assertThat(fields(e))
                .containsExactly(
                        "tenant_id",
                        "conversation_id",
                        "seq",
                        "message_id",
                        "sender",
                        "channel",
                        "timestamp",
                        "message");
        assertThat(roundTrip(e, TranscriptEntry.class)).isEqualTo(e);
        int slot = TranscriptEntry.slot(e.seq(), 20);
        assertThat(slot).isEqualTo(2);
        assertThat(TranscriptEntry.slotKey(e.key(), slot)).isEqualTo("acme/c1#2");
        assertThat(TranscriptEntry.conversationKeyOf("acme/c1#2")).isEqualTo("acme/c1");
        assertThat(TranscriptEntry.conversationKeyOf("acme/c1")).isNull();
    }

    @Test
    void charactersBeyondTheBasicPlaneTakeFourBytesNotTwoEscapes() throws Exception {
        // Given a message of 8,000 emoji (16,000 UTF-16 characters)
        String emoji = "\uD83D\uDE00".repeat(8_000);

        // When it is written as JSON
        byte[] json = mapper.writeValueAsBytes(new ReplyResult(emoji));

        // Then each emoji takes its four UTF-8 bytes, and the text reads back unchanged
        assertThat(json.length).isLessThan(4 * 8_000 + 100);
        assertThat(mapper.readValue(json, ReplyResult.class).suggestedReply()).isEqualTo(emoji);
    }

    @Test
    void agentStatusWrittenBeforeAttemptsReadsAsOneAttempt() throws Exception {
        AgentStatus old =
                mapper.readValue(
                        "{\"seq\":3,\"provider\":\"local\",\"latency_ms\":2}", AgentStatus.class);
        assertThat(old).isEqualTo(new AgentStatus(3, "local", 2, 1, null));
        assertThat(AggregatedIntelligence.versionOf(3)).isEqualTo(3_000);
    }

    @Test
    void agentResultEnvelopeNamesTheTypeOfItsResult() throws Exception {
        List<AgentResult> results =
                List.of(
                        new AgentResult(
                                "acme",
                                "c1",
                                AgentKind.SENTIMENT,
                                3,
                                "m3",
                                "local",
                                "v1",
                                2,
                                T,
                                new SentimentResult(
                                        SentimentLabel.MIXED, -0.1, 0.6, Emotion.CONFUSED, "cues")),
                        new AgentResult(
                                "acme",
                                "c1",
                                AgentKind.PII,
                                3,
                                "m3",
                                "local",
                                "v1",
                                2,
                                T,
                                new PiiResult(
                                        true,
                                        List.of(
                                                new PiiEntity(
                                                        PiiTypes.IBAN_CODE,
                                                        4,
                                                        26,
                                                        "DE****3000",
                                                        0.9,
                                                        "m3")),
                                        "iban <IBAN_CODE>")),
                        new AgentResult(
                                "acme",
                                "c1",
                                AgentKind.INSIGHTS,
                                3,
                                "m3",
                                "local",
                                "v1",
                                2,
                                T,
                                new InsightsResult(
                                        Intent.BILLING,
                                        Urgency.HIGH,
                                        List.of("Review invoice"),
                                        true,
                                        "chargeback threat",
                                        List.of("billing"))),
                        new AgentResult(
                                "acme",
                                "c1",
                                AgentKind.SUMMARY,
                                3,
                                "m3",
                                "local",
                                "v1",
                                2,
                                T,
                                new SummaryResult(
                                        "Customer disputes a charge.",
                                        List.of("charge"),
                                        ResolutionStatus.PENDING)),
                        new AgentResult(
                                "acme",
                                "c1",
                                AgentKind.REPLY,
                                3,
                                "m3",
                                "local",
                                "v1",
                                2,
                                T,
                                new ReplyResult("Let me check.")));
        for (AgentResult r : results) {
            assertThat(fields(r))
                    .containsExactly(
                            "tenant_id",
                            "conversation_id",
                            "agent",
                            "seq",
                            "message_id",
                            "provider",
                            "model",
                            "latency_ms",
                            "produced_at",
                            "result",
                            "usage");
            assertThat(roundTrip(r, AgentResult.class)).isEqualTo(r);
        }
        AgentResult fromModel =
                new AgentResult(
                        "acme",
                        "c1",
                        AgentKind.REPLY,
                        3,
                        "m3",
                        "gemini",
                        "gemini-2.5-flash",
                        900,
                        T,
                        new ReplyResult("Let me check."),
                        new LlmUsage("analysis-v1", "call-1", 812, 190, 1, null));
        assertThat(roundTrip(fromModel, AgentResult.class)).isEqualTo(fromModel);
        assertThat(fields(fromModel.usage()))
                .containsExactly(
                        "prompt_version",
                        "call_id",
                        "input_tokens",
                        "output_tokens",
                        "attempts",
                        "fallback_reason");
        assertThat(fields(results.get(0).result()))
                .containsExactly("sentiment", "score", "confidence", "emotion", "reasoning");
        assertThat(fields(results.get(1).result()))
                .containsExactly("has_pii", "entities", "redacted_message");
        assertThat(fields(((PiiResult) results.get(1).result()).entities().get(0)))
                .containsExactly("type", "start", "end", "masked", "confidence", "message_id");
        assertThat(fields(results.get(2).result()))
                .containsExactly(
                        "intent",
                        "urgency",
                        "suggested_actions",
                        "requires_escalation",
                        "escalation_reason",
                        "topics");
        assertThat(fields(results.get(3).result()))
                .containsExactly("summary", "key_points", "resolution_status");
        assertThat(fields(results.get(4).result())).containsExactly("suggested_reply");
    }

    @Test
    void theEnvelopeNotTheShapeDecidesTheResultType() throws Exception {
        // A result shaped like sentiment but on a summary envelope is read as a summary.
        AgentResult r =
                mapper.readValue(
                        """
                {"tenant_id":"acme","conversation_id":"c1","agent":"summary","seq":1,
                 "result":{"sentiment":"negative","score":-0.5,"summary":"short"}}""",
                        AgentResult.class);
        assertThat(r.result()).isInstanceOf(SummaryResult.class);
        assertThat(((SummaryResult) r.result()).summary()).isEqualTo("short");
        assertThatThrownBy(() -> mapper.readValue("{\"agent\":\"oracle\"}", AgentResult.class))
                .hasMessageContaining("oracle");
        assertThatThrownBy(() -> mapper.readValue("{\"result\":{}}", AgentResult.class))
                .hasMessageContaining("agent is required");
    }

    @Test
    void aggregatedIntelligence() throws Exception {
        AggregatedIntelligence a =
                new AggregatedIntelligence(
                        "acme",
                        "c1",
                        7,
                        3,
                        new SentimentResult(
                                SentimentLabel.NEGATIVE, -0.7, 0.8, Emotion.ANGRY, "cues"),
                        null,
                        null,
                        null,
                        new ReplyResult("Sorry"),
                        Map.of("sentiment", new AgentStatus(3, "local", 1)),
                        T,
                        List.of(new SentimentPoint(1, 0.1), new SentimentPoint(3, -0.7)));
        assertThat(fields(a))
                .containsExactly(
                        "tenant_id",
                        "conversation_id",
                        "version",
                        "epoch",
                        "message_count",
                        "sentiment",
                        "pii",
                        "insights",
                        "summary",
                        "reply",
                        "agents",
                        "last_updated",
                        "sentiment_trend",
                        "operations");
        assertThat(fields(a.sentimentTrend().get(1))).containsExactly("seq", "score");
        Operations o =
                new Operations(
                        T,
                        T,
                        0,
                        60_000L,
                        60_000L,
                        1,
                        null,
                        1,
                        new Operations.PredictedCsat(4.1, 0.5, "formula"),
                        "low");
        assertThat(fields(o))
                .containsExactly(
                        "started_at",
                        "last_message_at",
                        "duration_ms",
                        "first_response_ms",
                        "avg_response_ms",
                        "responses",
                        "waiting_since",
                        "customer_turns",
                        "predicted_csat",
                        "effort");
        assertThat(fields(o.predictedCsat())).containsExactly("score", "confidence", "method");
        assertThat(roundTrip(a.withOperations(o), AggregatedIntelligence.class))
                .isEqualTo(a.withOperations(o));
        assertThat(fields(a.agents().get("sentiment")))
                .containsExactly("seq", "provider", "latency_ms", "attempts", "error");
        assertThat(roundTrip(a, AggregatedIntelligence.class)).isEqualTo(a);
    }

    @Test
    void validationNamesEachBrokenField() {
        List<Validation.Violation> v =
                Validation.check(
                        new CreateMessageRequest(
                                "has/slash", null, " ", null, "ok-id", null, null));
        assertThat(v)
                .extracting(Validation.Violation::field)
                .containsExactlyInAnyOrder("conversation_id", "sender", "channel", "message");
        assertThat(
                        Validation.check(
                                new CreateMessageRequest(
                                        "c1",
                                        Sender.CUSTOMER,
                                        "x".repeat(Validation.MAX_MESSAGE_LENGTH + 1),
                                        Channel.CHAT,
                                        null,
                                        null,
                                        null)))
                .extracting(Validation.Violation::problem)
                .singleElement()
                .asString()
                .contains("limit");
        assertThat(
                        Validation.check(
                                new CreateMessageRequest(
                                        "c1",
                                        Sender.CUSTOMER,
                                        "fine",
                                        Channel.CHAT,
                                        null,
                                        null,
                                        null)))
                .isEmpty();
    }

    @Test
    void topicsAreTheDesignedNames() {
        assertThat(Topics.ALL)
                .containsExactly(
                        "support.messages.raw",
                        "support.conversations.transcript",
                        "support.ai.sentiment",
                        "support.ai.pii",
                        "support.ai.insights",
                        "support.ai.summary",
                        "support.ai.reply",
                        "support.ai.aggregated",
                        "support.dlq",
                        "support.audit",
                        "support.rules",
                        "support.alerts",
                        "support.webhooks",
                        "support.webhooks.deliveries",
                        "support.analytics",
                        "support.llm.answers");
        for (AgentKind kind : AgentKind.values()) {
            assertThat(Topics.ALL).contains(Topics.forAgent(kind));
        }
    }
}
