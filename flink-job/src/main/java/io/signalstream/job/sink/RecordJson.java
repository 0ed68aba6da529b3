package io.signalstream.job.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.signalstream.model.AgentStatus;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.IsoInstants;
import io.signalstream.model.Json;
import io.signalstream.model.Operations;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.TranscriptEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the two records the job writes for every message, the aggregate and the transcript slot,
 * field by field with Jackson's streaming generator: the same JSON the model's mapper writes (a
 * test compares them), without reflection, and with scores of three decimals written directly. Not
 * thread-safe: one per operator instance.
 */
final class RecordJson {

    /**
     * The field names, each encoded once: written as bytes ready to copy, not escaped again per
     * record. A name is its constant in lower case.
     */
    private enum Name {
        AGENTS,
        ATTEMPTS,
        AVG_RESPONSE_MS,
        CHANNEL,
        CONFIDENCE,
        CONVERSATION_ID,
        CSAT,
        CUSTOMER_TURNS,
        DURATION_MS,
        EFFORT,
        EMOTION,
        END,
        ENTITIES,
        EPOCH,
        ERROR,
        ESCALATION_REASON,
        FIRST_RESPONSE_MS,
        HAS_PII,
        INSIGHTS,
        INTENT,
        KEY_POINTS,
        LANGUAGE,
        LANGUAGE_CONFIDENCE,
        LAST_MESSAGE_AT,
        LAST_UPDATED,
        LATENCY_MS,
        MASKED,
        MESSAGE,
        MESSAGE_COUNT,
        MESSAGE_ID,
        METHOD,
        OPERATIONS,
        PII,
        PREDICTED_CSAT,
        PROVIDER,
        REASONING,
        REDACTED_MESSAGE,
        REPLY,
        RESOLUTION_STATUS,
        REQUIRES_ESCALATION,
        RESPONSES,
        SATISFACTION,
        SCORE,
        SENDER,
        SENTIMENT,
        SENTIMENT_TREND,
        SEQ,
        START,
        STARTED_AT,
        SUGGESTED_ACTIONS,
        SUGGESTED_REPLY,
        SUMMARY,
        TENANT_ID,
        TIMESTAMP,
        TOPICS,
        TYPE,
        URGENCY,
        VERSION,
        WAITING_SINCE;

        final SerializedString json = new SerializedString(name().toLowerCase(Locale.ROOT));
    }

    private static void field(JsonGenerator g, Name name, String value) throws IOException {
        g.writeFieldName(name.json);
        string(g, value);
    }

    /** Printable ASCII that JSON writes as it is: not a quote, a backslash or {@code ?}. */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (int c = 0x20; c < 0x7f; c++) {
            PLAIN[c] = c != '"' && c != '\\' && c != '?';
        }
    }

    /**
     * A string value. Text of printable ASCII alone, the most of what the job writes, is copied as
     * its bytes (about three times as fast as the generator's escaping, char by char); anything
     * else, and any text with a character to escape, is written by the generator. A {@code ?} byte
     * is checked against the text: it also stands for a character Latin-1 cannot encode.
     */
    private static void string(JsonGenerator g, String value) throws IOException {
        if (value == null) {
            g.writeNull();
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            if (maybeSpecial((long) WORDS.get(bytes, i)) && !plain(value, bytes, i, Long.BYTES)) {
                g.writeString(value);
                return;
            }
        }
        if (!plain(value, bytes, i, bytes.length - i)) {
            g.writeString(value);
            return;
        }
        g.writeRawUTF8String(bytes, 0, bytes.length);
    }

    /** Eight bytes of a string at a time, in either order: a word is checked as a whole. */
    private static final VarHandle WORDS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Whether any of the eight bytes in {@code word} may not be {@link #PLAIN}: one of 0x80 and
     * above, below 0x20, 0x7f, a quote, a backslash or a {@code ?} (bit tricks that find a byte
     * below a bound or equal to a value in every byte at once, without false negatives).
     */
    private static boolean maybeSpecial(long word) {
        return ((word
                                | below(word, 0x20)
                                | zero(word ^ (0x7f * ONES))
                                | zero(word ^ ('"' * ONES))
                                | zero(word ^ ('\\' * ONES))
                                | zero(word ^ ('?' * ONES)))
                        & HIGHS)
                != 0;
    }

    /** The high bit set in each byte below {@code bound} (for bytes below 0x80). */
    private static long below(long word, int bound) {
        return (word - bound * ONES) & ~word;
    }

    /** The high bit set in each zero byte (and possibly in bytes beside a zero one). */
    private static long zero(long word) {
        return (word - ONES) & ~word;
    }

    /** Whether the {@code count} bytes from {@code from} are all written as they are. */
    private static boolean plain(String value, byte[] bytes, int from, int count) {
        for (int i = from; i < from + count; i++) {
            int c = bytes[i];
            if (c < 0 || !PLAIN[c] && (c != '?' || value.charAt(i) != '?')) {
                return false;
            }
        }
        return true;
    }

    private static void field(JsonGenerator g, Name name, long value) throws IOException {
        g.writeFieldName(name.json);
        g.writeNumber(value);
    }

    private static void field(JsonGenerator g, Name name, double value) throws IOException {
        g.writeFieldName(name.json);
        g.writeNumber(value);
    }

    private static void field(JsonGenerator g, Name name, boolean value) throws IOException {
        g.writeFieldName(name.json);
        g.writeBoolean(value);
    }

    private static void nullField(JsonGenerator g, Name name) throws IOException {
        g.writeFieldName(name.json);
        g.writeNull();
    }

    private static void objectStart(JsonGenerator g, Name name) throws IOException {
        g.writeFieldName(name.json);
        g.writeStartObject();
    }

    private static void arrayStart(JsonGenerator g, Name name) throws IOException {
        g.writeFieldName(name.json);
        g.writeStartArray();
    }

    private final JsonFactory factory = Json.newMapper().getFactory();

    /**
     * Reset, not replaced, per record: it keeps the size of the largest, so a record is one copy.
     */
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);

    /**
     * Where a list is written apart before its JSON is kept: one root value after another, by one
     * generator that is never closed (a generator made per list would take fresh buffers while the
     * record's generator holds the recycled ones).
     */
    private final ByteArrayOutputStream listBuffer = new ByteArrayOutputStream(2048);

    private JsonGenerator apart;

    private final EncodedLists encoded = new EncodedLists();

    private final TrendJson trends = new TrendJson();

    private Instant lastInstant;
    private String lastInstantText;

    byte[] aggregate(AggregatedIntelligence a) {
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            field(g, Name.TENANT_ID, a.tenantId());
            field(g, Name.CONVERSATION_ID, a.conversationId());
            field(g, Name.VERSION, a.version());
            field(g, Name.EPOCH, a.epoch());
            field(g, Name.MESSAGE_COUNT, a.messageCount());
            sentiment(g, a.sentiment());
            pii(g, a.pii());
            insights(g, a.insights());
            summary(g, a.summary());
            reply(g, a.reply());
            agents(g, a.agents());
            instant(g, Name.LAST_UPDATED, a.lastUpdated());
            g.writeFieldName(Name.SENTIMENT_TREND.json);
            list(g, a.sentimentTrend(), this::trend);
            operations(g, a.operations());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes();
    }

    private void operations(JsonGenerator g, Operations o) throws IOException {
        if (o == null) {
            nullField(g, Name.OPERATIONS);
            return;
        }
        objectStart(g, Name.OPERATIONS);
        instant(g, Name.STARTED_AT, o.startedAt());
        instant(g, Name.LAST_MESSAGE_AT, o.lastMessageAt());
        field(g, Name.DURATION_MS, o.durationMs());
        longOrNull(g, Name.FIRST_RESPONSE_MS, o.firstResponseMs());
        longOrNull(g, Name.AVG_RESPONSE_MS, o.avgResponseMs());
        field(g, Name.RESPONSES, o.responses());
        instant(g, Name.WAITING_SINCE, o.waitingSince());
        field(g, Name.CUSTOMER_TURNS, o.customerTurns());
        if (o.predictedCsat() == null) {
            nullField(g, Name.PREDICTED_CSAT);
        } else {
            objectStart(g, Name.PREDICTED_CSAT);
            g.writeFieldName(Name.SCORE.json);
            decimal(g, o.predictedCsat().score());
            g.writeFieldName(Name.CONFIDENCE.json);
            decimal(g, o.predictedCsat().confidence());
            field(g, Name.METHOD, o.predictedCsat().method());
            g.writeEndObject();
        }
        field(g, Name.EFFORT, o.effort());
        g.writeEndObject();
    }

    private static void longOrNull(JsonGenerator g, Name field, Long value) throws IOException {
        if (value == null) {
            nullField(g, field);
        } else {
            field(g, field, value.longValue());
        }
    }

    byte[] transcript(TranscriptEntry e) {
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            field(g, Name.TENANT_ID, e.tenantId());
            field(g, Name.CONVERSATION_ID, e.conversationId());
            field(g, Name.SEQ, e.seq());
            field(g, Name.MESSAGE_ID, e.messageId());
            field(g, Name.SENDER, e.sender() == null ? null : e.sender().wireName());
            field(g, Name.CHANNEL, e.channel() == null ? null : e.channel().wireName());
            instant(g, Name.TIMESTAMP, e.timestamp());
            field(g, Name.MESSAGE, e.message());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes();
    }

    private JsonGenerator generator() throws IOException {
        buffer.reset();
        return factory.createGenerator(buffer);
    }

    private byte[] bytes() {
        return buffer.toByteArray();
    }

    private void sentiment(JsonGenerator g, SentimentResult s) throws IOException {
        if (s == null) {
            nullField(g, Name.SENTIMENT);
            return;
        }
        objectStart(g, Name.SENTIMENT);
        field(g, Name.SENTIMENT, s.sentiment() == null ? null : s.sentiment().wireName());
        g.writeFieldName(Name.SCORE.json);
        decimal(g, s.score());
        g.writeFieldName(Name.CONFIDENCE.json);
        decimal(g, s.confidence());
        field(g, Name.EMOTION, s.emotion() == null ? null : s.emotion().wireName());
        field(g, Name.REASONING, s.reasoning());
        g.writeEndObject();
    }

    private void pii(JsonGenerator g, PiiResult p) throws IOException {
        if (p == null) {
            nullField(g, Name.PII);
            return;
        }
        objectStart(g, Name.PII);
        field(g, Name.HAS_PII, p.hasPii());
        g.writeFieldName(Name.ENTITIES.json);
        list(g, p.entities(), this::entities);
        field(g, Name.REDACTED_MESSAGE, p.redactedMessage());
        g.writeEndObject();
    }

    private byte[] entities(List<PiiEntity> entities) throws IOException {
        JsonGenerator g = apart();
        g.writeStartArray();
        for (PiiEntity e : entities) {
            g.writeStartObject();
            field(g, Name.TYPE, e.type());
            field(g, Name.START, e.start());
            field(g, Name.END, e.end());
            field(g, Name.MASKED, e.masked());
            g.writeFieldName(Name.CONFIDENCE.json);
            decimal(g, e.confidence());
            field(g, Name.MESSAGE_ID, e.messageId());
            g.writeEndObject();
        }
        g.writeEndArray();
        return apartBytes();
    }

    /**
     * The trend, put together by {@link #trends} unless a score has more than three decimals; then
     * by the generator.
     */
    private byte[] trend(List<SentimentPoint> trend) throws IOException {
        byte[] json = trends.json(trend);
        if (json != null) {
            return json;
        }
        JsonGenerator g = apart();
        g.writeStartArray();
        for (SentimentPoint p : trend) {
            g.writeStartObject();
            field(g, Name.SEQ, p.seq());
            g.writeFieldName(Name.SCORE.json);
            decimal(g, p.score());
            g.writeEndObject();
        }
        g.writeEndArray();
        return apartBytes();
    }

    /** The JSON of one list of an aggregate. */
    @FunctionalInterface
    private interface ListJson<T> {
        byte[] of(List<T> list) throws IOException;
    }

    /**
     * A list's JSON as a value (null as null): copied when this very list was written before (see
     * {@link EncodedLists}), else made once by {@code json} and kept. The generator writes what
     * comes before a value (an empty raw value), then the bytes go straight after what it has
     * written.
     */
    private <T> void list(JsonGenerator g, List<T> list, ListJson<T> json) throws IOException {
        if (list == null) {
            g.writeNull();
            return;
        }
        byte[] bytes = encoded.get(list);
        if (bytes == null) {
            bytes = json.of(list);
            encoded.put(list, bytes);
        }
        g.writeRawValue("");
        g.flush();
        buffer.write(bytes);
    }

    /** The generator that writes a list apart, as a root value of its own, into an empty buffer. */
    private JsonGenerator apart() throws IOException {
        if (apart == null) {
            apart = factory.createGenerator(listBuffer);
            apart.setRootValueSeparator(null);
        }
        listBuffer.reset();
        return apart;
    }

    private byte[] apartBytes() throws IOException {
        apart.flush();
        return listBuffer.toByteArray();
    }

    private void insights(JsonGenerator g, InsightsResult i) throws IOException {
        if (i == null) {
            nullField(g, Name.INSIGHTS);
            return;
        }
        objectStart(g, Name.INSIGHTS);
        field(g, Name.INTENT, i.intent() == null ? null : i.intent().wireName());
        field(g, Name.URGENCY, i.urgency() == null ? null : i.urgency().wireName());
        strings(g, Name.SUGGESTED_ACTIONS, i.suggestedActions());
        field(g, Name.REQUIRES_ESCALATION, i.requiresEscalation());
        field(g, Name.ESCALATION_REASON, i.escalationReason());
        strings(g, Name.TOPICS, i.topics());
        if (i.language() != null) {
            field(g, Name.LANGUAGE, i.language());
            field(g, Name.LANGUAGE_CONFIDENCE, i.languageConfidence());
        }
        g.writeEndObject();
    }

    private void summary(JsonGenerator g, SummaryResult s) throws IOException {
        if (s == null) {
            nullField(g, Name.SUMMARY);
            return;
        }
        objectStart(g, Name.SUMMARY);
        field(g, Name.SUMMARY, s.summary());
        strings(g, Name.KEY_POINTS, s.keyPoints());
        field(
                g,
                Name.RESOLUTION_STATUS,
                s.resolutionStatus() == null ? null : s.resolutionStatus().wireName());
        if (s.satisfaction() != null) {
            objectStart(g, Name.SATISFACTION);
            g.writeFieldName(Name.CSAT.json);
            decimal(g, s.satisfaction().csat());
            g.writeFieldName(Name.CONFIDENCE.json);
            decimal(g, s.satisfaction().confidence());
            field(g, Name.EFFORT, s.satisfaction().effort());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void reply(JsonGenerator g, ReplyResult r) throws IOException {
        if (r == null) {
            nullField(g, Name.REPLY);
            return;
        }
        objectStart(g, Name.REPLY);
        field(g, Name.SUGGESTED_REPLY, r.suggestedReply());
        g.writeEndObject();
    }

    private void agents(JsonGenerator g, Map<String, AgentStatus> agents) throws IOException {
        if (agents == null) {
            nullField(g, Name.AGENTS);
            return;
        }
        objectStart(g, Name.AGENTS);
        for (Map.Entry<String, AgentStatus> e : agents.entrySet()) {
            AgentStatus s = e.getValue();
            g.writeObjectFieldStart(e.getKey());
            field(g, Name.SEQ, s.seq());
            field(g, Name.PROVIDER, s.provider());
            field(g, Name.LATENCY_MS, s.latencyMs());
            field(g, Name.ATTEMPTS, s.attempts());
            field(g, Name.ERROR, s.error());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, Name field, List<String> values)
            throws IOException {
        if (values == null) {
            nullField(g, field);
            return;
        }
        arrayStart(g, field);
        for (String v : values) {
            string(g, v);
        }
        g.writeEndArray();
    }

    /** Instants as ISO-8601, the last one's text kept: most records share the millisecond. */
    private void instant(JsonGenerator g, Name field, Instant value) throws IOException {
        if (value == null) {
            nullField(g, field);
            return;
        }
        if (!value.equals(lastInstant)) {
            lastInstant = value;
            lastInstantText = IsoInstants.text(value);
        }
        field(g, field, lastInstantText);
    }

    /**
     * A number with a decimal point, as Jackson writes a double. Values of at most three decimals
     * (the scores and confidences the agents round) are written directly; others as Jackson would.
     */
    private static void decimal(JsonGenerator g, double v) throws IOException {
        String text = decimal(v);
        if (text == null) {
            g.writeNumber(v);
        } else {
            g.writeNumber(text);
        }
    }

    /** The lowest and highest thousandths whose text is made once: the scores, satisfaction. */
    private static final int LOWEST = -1_000;

    private static final int HIGHEST = 5_000;

    private static final String[] DECIMALS = new String[HIGHEST - LOWEST + 1];

    static {
        for (int t = LOWEST; t <= HIGHEST; t++) {
            DECIMALS[t - LOWEST] = decimalText(t);
        }
    }

    /** {@code v} as Jackson writes it if it has at most three decimals; else null. */
    static String decimal(double v) {
        long thousandths = Math.round(v * 1000);
        if (Math.abs(v) >= 1e6 || Math.abs(thousandths - v * 1000) > 1e-7 || v == 0 && 1 / v < 0) {
            return null;
        }
        return thousandths >= LOWEST && thousandths <= HIGHEST
                ? DECIMALS[(int) (thousandths - LOWEST)]
                : decimalText(thousandths);
    }

    /** The text of {@code thousandths}/1000: "0.0", "-0.25", "4.125". */
    private static String decimalText(long thousandths) {
        long abs = Math.abs(thousandths);
        String fraction = Long.toString(1000 + abs % 1000).substring(1); // three digits
        int end = 3;
        while (end > 1 && fraction.charAt(end - 1) == '0') {
            end--;
        }
        return (thousandths < 0 ? "-" : "") + abs / 1000 + "." + fraction.substring(0, end);
    }
}
