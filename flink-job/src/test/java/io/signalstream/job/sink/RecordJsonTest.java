package io.signalstream.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.AgentResult;
import io.signalstream.model.AgentStatus;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Channel;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.Operations;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.TranscriptEntry;
import io.signalstream.model.Urgency;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written writer says exactly what the model's mapper says, for every number. */
class RecordJsonTest {

    private final ObjectMapper mapper = Json.newMapper();
    private final RecordJson json = new RecordJson();

    private static AggregatedIntelligence aggregate(double score) {
        Map<String, AgentStatus> agents = new LinkedHashMap<>();
        agents.put("sentiment", new AgentStatus(3, "local", 0));
        agents.put("summary", new AgentStatus(2, "local-fallback", 812, 3, "timed out"));
        return new AggregatedIntelligence(
                "acme",
                "c \"1\" ✓",
                3_001,
                3,
                new SentimentResult(
                        SentimentLabel.MIXED, score, 0.95, Emotion.ANGRY, "cues: \"x\""),
                new PiiResult(
                        true,
                        List.of(new PiiEntity("EMAIL_ADDRESS", 4, 20, "b***@x.org", 0.95, "m1")),
                        "hi <EMAIL_ADDRESS> 😀\n"),
                new InsightsResult(
                        Intent.BILLING, Urgency.HIGH, List.of("a", "b"), true, null, List.of()),
                new SummaryResult(
                        "s",
                        List.of("customer: k"),
                        ResolutionStatus.OPEN,
                        score > 0
                                ? new SummaryResult.Satisfaction(4.25, Math.min(1, score), "low")
                                : null),
                new ReplyResult("Sorry!"),
                agents,
                Instant.parse("2026-01-15T10:00:00.123456Z"),
                List.of(new SentimentPoint(1, score), new SentimentPoint(3, -0.05)),
                1_767_000_000_123L,
                new Operations(
                        Instant.parse("2026-01-15T09:00:00Z"),
                        Instant.parse("2026-01-15T09:59:00.5Z"),
                        3_540_500,
                        120_000L,
                        null,
                        1,
                        Instant.parse("2026-01-15T09:59:00.5Z"),
                        2,
                        new Operations.PredictedCsat(score > 0 ? 4.2 : 1, 0.55, "formula"),
                        "medium"));
    }

    @ParameterizedTest
    @ValueSource(
            doubles = {
                0,
                1,
                -1,
                0.5,
                -0.333,
                0.1,
                0.001,
                -0.999,
                0.12345678,
                1e-9,
                123.456,
                -0.0,
                0.30000000000000004,
                0.8400000000000001,
                4.125
            })
    void anAggregateIsWrittenAsTheMapperWritesIt(double score) throws Exception {
        AggregatedIntelligence a = aggregate(score);
        byte[] fast = json.aggregate(a);
        assertThat(mapper.readTree(fast)).isEqualTo(mapper.readTree(mapper.writeValueAsBytes(a)));
        assertThat(mapper.readValue(fast, AggregatedIntelligence.class)).isEqualTo(a);
        assertThat(new String(fast, StandardCharsets.UTF_8))
                .isEqualTo(mapper.writeValueAsString(a));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "plain words, 42 of them.",
                "what? why?",
                "?",
                "a \"quoted\" word",
                "back\\slash",
                "tab\there\nand a line",
                "del \u007f",
                "caf\u00e9?",
                "\u0100?",
                "?\u4e2d",
                "emoji \ud83d\ude00?",
                "</script>"
            })
    void textIsEscapedAsTheMapperEscapesIt(String text) throws Exception {
        TranscriptEntry entry =
                new TranscriptEntry(
                        "acme", text, 7, "m7", Sender.CUSTOMER, Channel.CHAT, null, text);
        byte[] written = json.transcript(entry);
        assertThat(mapper.readTree(written))
                .isEqualTo(mapper.readTree(mapper.writeValueAsBytes(entry)));
        assertThat(new String(written, StandardCharsets.UTF_8))
                .contains(
                        "\"message\":"
                                + new String(
                                        mapper.writeValueAsBytes(text), StandardCharsets.UTF_8));
    }

    /**
     * Texts of every length up to 40 with a character to escape, a {@code ?}, one Latin-1 cannot
     * encode or a non-ASCII one at every position: the writer checks eight bytes at a time, and
     * each of them must be seen wherever it falls.
     */
    @Test
    void everyCharacterToEscapeIsSeenWhereverItFalls() throws Exception {
        String[] specials = {
            "\"",
            "\\",
            "?",
            "\n",
            "\u001f",
            "\u007f",
            "\u0080",
            "\u00e9",
            "\u4e2d",
            "\ud83d\ude00",
            " ",
            "~"
        };
        java.util.Random random = new java.util.Random(3);
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at < Math.max(1, length); at++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    text.append(
                            i == at
                                    ? specials[random.nextInt(specials.length)]
                                    : (char) ('a' + random.nextInt(26)));
                }
                assertWrittenAsTheMapperWritesIt(text.toString());
            }
        }
    }

    /** A transcript entry of {@code text}, written byte for byte as the mapper writes it. */
    private void assertWrittenAsTheMapperWritesIt(String text) throws Exception {
        TranscriptEntry entry =
                new TranscriptEntry("acme", "c", 1, "m1", Sender.AGENT, Channel.CHAT, null, text);
        assertThat(new String(json.transcript(entry), StandardCharsets.UTF_8))
                .as(text)
                .isEqualTo(mapper.writeValueAsString(entry));
    }

    /**
     * Texts that double in length once escaped, up to all quotes or backslashes, and escapes beside
     * other specials: the writer makes room for twice the text and must never run past it.
     */
    @Test
    void textsOfEscapesAloneAreWrittenAsTheMapperWritesThem() throws Exception {
        String[] pieces = {"\"", "\\", "a", "?", "\u00e9"};
        java.util.Random random = new java.util.Random(5);
        for (int length = 0; length <= 40; length++) {
            for (String fill : List.of("\"", "\\", "mixed")) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    text.append(
                            fill.equals("mixed") ? pieces[random.nextInt(pieces.length)] : fill);
                }
                assertWrittenAsTheMapperWritesIt(text.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void emptyPartsAndTranscriptsToo(boolean parts) throws Exception {
        AggregatedIntelligence empty =
                new AggregatedIntelligence(
                        "acme", "c1", 1_000, 1, null, null, null, null, null, Map.of(), null,
                        List.of());
        assertThat(mapper.readTree(json.aggregate(empty)))
                .isEqualTo(mapper.readTree(mapper.writeValueAsBytes(empty)));
        TranscriptEntry entry =
                new TranscriptEntry(
                        "acme",
                        "c1",
                        7,
                        "m7",
                        parts ? Sender.AGENT : null,
                        Channel.VOICE,
                        parts ? Instant.parse("2026-01-15T10:00:00Z") : null,
                        "text <PHONE_NUMBER>");
        assertThat(mapper.readTree(json.transcript(entry)))
                .isEqualTo(mapper.readTree(mapper.writeValueAsBytes(entry)));
    }

    /** Each agent's result on its own topic, every kind, as the mapper writes it. */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, -0.333, 0.12345678, -0.0})
    void agentResultsAreWrittenAsTheMapperWritesThem(double score) throws Exception {
        AggregatedIntelligence a = aggregate(score);
        List<AgentOutput> parts =
                new ArrayList<>(
                        List.of(
                                a.sentiment(),
                                a.pii(),
                                a.insights().withLanguage("es", 0.5),
                                a.insights(),
                                a.summary(),
                                a.reply()));
        parts.add(null);
        for (AgentOutput part : parts) {
            AgentKind agent =
                    part == null
                            ? AgentKind.REPLY
                            : Arrays.stream(AgentKind.values())
                                    .filter(k -> k.resultType().isInstance(part))
                                    .findFirst()
                                    .orElseThrow();
            AgentResult r =
                    new AgentResult(
                            "acme",
                            "c \"1\" ✓",
                            agent,
                            3,
                            part == null ? null : "m3",
                            "local",
                            "local-rules-v1",
                            part == null ? 0 : 12,
                            part == null ? null : Instant.parse("2026-01-15T10:00:00.123Z"),
                            part);
            byte[] fast = json.agentResult(r);
            assertThat(new String(fast, StandardCharsets.UTF_8))
                    .as(agent.wireName())
                    .isEqualTo(mapper.writeValueAsString(r));
            assertThat(mapper.readValue(fast, AgentResult.class)).isEqualTo(r);
        }
    }

    /** A model's result carries its usage: left to the mapper. */
    @Test
    void aModelsResultIsLeftToTheMapper() {
        AggregatedIntelligence a = aggregate(0.5);
        AgentResult r =
                new AgentResult(
                        "acme",
                        "c1",
                        AgentKind.SUMMARY,
                        3,
                        "m3",
                        "gemini",
                        "gemini-2.5-flash",
                        420,
                        Instant.parse("2026-01-15T10:00:00Z"),
                        a.summary(),
                        new LlmUsage("summary-v2", "call-1", 120, 40, 1, null));
        assertThat(json.agentResult(r)).isNull();
    }

    /** Lists kept from one version to the next are copied as written; a new list is new JSON. */
    @Test
    void versionsSharingListsAreWrittenAsTheMapperWritesThem() throws Exception {
        AggregatedIntelligence first = aggregate(0.5);
        List<PiiEntity> more = new ArrayList<>(first.pii().entities());
        more.add(new PiiEntity("PHONE_NUMBER", 1, 9, "+1******89", 0.9, "m2 ✓"));
        List<PiiEntity> mutable = new ArrayList<>(more);
        List<AggregatedIntelligence> versions =
                List.of(
                        first,
                        withLists(aggregate(-0.25), first.pii().entities(), first.sentimentTrend()),
                        withLists(first, List.copyOf(more), first.sentimentTrend()),
                        withLists(first, mutable, List.of(new SentimentPoint(4, 0.125))),
                        first);
        for (AggregatedIntelligence a : versions) {
            for (int twice = 0; twice < 2; twice++) {
                assertThat(mapper.readTree(json.aggregate(a)))
                        .isEqualTo(mapper.readTree(mapper.writeValueAsBytes(a)));
            }
        }
        mutable.remove(0); // the same list, changed: written anew
        AggregatedIntelligence changed = withLists(first, mutable, first.sentimentTrend());
        assertThat(mapper.readTree(json.aggregate(changed)))
                .isEqualTo(mapper.readTree(mapper.writeValueAsBytes(changed)));
    }

    /**
     * A conversation's entities as its context keeps them: each version the list before it plus a
     * new entity, less the oldest once full, the entities themselves carried over, one with a long
     * masked text. Every version is the mapper's JSON byte for byte (confidences one step from
     * three decimals among them).
     */
    @Test
    void rollingEntityListsAreWrittenAsTheMapperWritesThem() throws Exception {
        AggregatedIntelligence first = aggregate(0.5);
        List<PiiEntity> entities = List.of();
        for (int i = 0; i < 70; i++) {
            String masked = i == 7 ? "x".repeat(2_000) : "n\u00b0 \"" + i + "\" ✓";
            List<PiiEntity> next = new ArrayList<>(entities);
            next.add(new PiiEntity("ORDER_NUMBER", i, i + 9, masked, 0.9 - i / 1000.0, "m" + i));
            if (next.size() > 50) {
                next.remove(0);
            }
            entities = List.copyOf(next);
            AggregatedIntelligence a = withLists(first, entities, first.sentimentTrend());
            assertThat(new String(json.aggregate(a), StandardCharsets.UTF_8))
                    .isEqualTo(mapper.writeValueAsString(a));
        }
        AggregatedIntelligence none = withLists(first, List.of(), first.sentimentTrend());
        assertThat(new String(json.aggregate(none), StandardCharsets.UTF_8))
                .isEqualTo(mapper.writeValueAsString(none));
    }

    private static AggregatedIntelligence withLists(
            AggregatedIntelligence a, List<PiiEntity> entities, List<SentimentPoint> trend) {
        return new AggregatedIntelligence(
                a.tenantId(),
                a.conversationId(),
                a.version() + 1,
                a.messageCount() + 1,
                a.sentiment(),
                new PiiResult(true, entities, a.pii().redactedMessage()),
                a.insights(),
                a.summary(),
                a.reply(),
                a.agents(),
                a.lastUpdated(),
                trend,
                a.epoch(),
                a.operations());
    }
}
