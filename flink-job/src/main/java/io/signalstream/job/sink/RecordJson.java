package io.signalstream.job.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.AgentResult;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the records the job writes for every message, the aggregate and the transcript slot (and,
 * with {@code AGENT_TOPICS}, each local agent's result), straight into bytes ({@link JsonBytes}):
 * field names encoded once, numbers as digits, text of printable ASCII copied as it is; what needs
 * escaping, and a number Jackson would write in full, goes through Jackson's generator. The same
 * JSON the model's mapper writes (a test compares them), without reflection and without the
 * generator's work per token. Not thread-safe: one per operator instance.
 */
final class RecordJson {

    /**
     * The field names, each encoded once: written as bytes ready to copy, not escaped again per
     * record. A name is its constant in lower case.
     */
    private enum Name {
        AGENT,
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
        MODEL,
        OPERATIONS,
        PII,
        PREDICTED_CSAT,
        PRODUCED_AT,
        PROVIDER,
        REASONING,
        REDACTED_MESSAGE,
        REPLY,
        RESOLUTION_STATUS,
        REQUIRES_ESCALATION,
        RESPONSES,
        RESULT,
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
        USAGE,
        VERSION,
        WAITING_SINCE;

        final SerializedString json = new SerializedString(name().toLowerCase(Locale.ROOT));

        /** {@code "name":}, ready to copy. */
        final byte[] key =
                ("\"" + name().toLowerCase(Locale.ROOT) + "\":")
                        .getBytes(StandardCharsets.US_ASCII);
    }

    private final JsonBytes out = new JsonBytes();

    private final JsonFactory factory = Json.newMapper().getFactory();

    /**
     * Where Jackson writes what is not written directly (a text to escape, a list, a number of more
     * than three decimals): one root value after another, by one generator that is never closed.
     */
    private final ByteArrayOutputStream apartBuffer = new ByteArrayOutputStream(2048);

    private JsonGenerator apart;

    private final EncodedLists encoded = new EncodedLists();

    private final TrendJson trends = new TrendJson();

    /** The last few instants written and their quoted text: most records share them. */
    private final Instant[] instants = new Instant[4];

    private final byte[][] instantTexts = new byte[4][];

    private int nextInstant;

    byte[] aggregate(AggregatedIntelligence a) {
        try {
            out.reset();
            out.startObject();
            field(Name.TENANT_ID, a.tenantId());
            field(Name.CONVERSATION_ID, a.conversationId());
            field(Name.VERSION, a.version());
            field(Name.EPOCH, a.epoch());
            field(Name.MESSAGE_COUNT, a.messageCount());
            sentiment(Name.SENTIMENT, a.sentiment());
            pii(Name.PII, a.pii());
            insights(Name.INSIGHTS, a.insights());
            summary(Name.SUMMARY, a.summary());
            reply(Name.REPLY, a.reply());
            agents(a.agents());
            instant(Name.LAST_UPDATED, a.lastUpdated());
            out.name(Name.SENTIMENT_TREND.key);
            list(a.sentimentTrend(), this::trend);
            operations(a.operations());
            out.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * An agent's result for {@code support.ai.<agent>}, of any kind {@link AgentOutput} permits;
     * null when it carries a model's usage, which is left to the model's mapper (model calls are
     * few; local results are every message's).
     */
    byte[] agentResult(AgentResult r) {
        if (r.usage() != null) {
            return null;
        }
        try {
            out.reset();
            out.startObject();
            field(Name.TENANT_ID, r.tenantId());
            field(Name.CONVERSATION_ID, r.conversationId());
            field(Name.AGENT, r.agent() == null ? null : r.agent().wireName());
            field(Name.SEQ, r.seq());
            field(Name.MESSAGE_ID, r.messageId());
            field(Name.PROVIDER, r.provider());
            field(Name.MODEL, r.model());
            field(Name.LATENCY_MS, r.latencyMs());
            instant(Name.PRODUCED_AT, r.producedAt());
            AgentOutput result = r.result();
            if (result == null) {
                nullField(Name.RESULT);
            } else if (result instanceof SentimentResult s) {
                sentiment(Name.RESULT, s);
            } else if (result instanceof PiiResult p) {
                pii(Name.RESULT, p);
            } else if (result instanceof InsightsResult i) {
                insights(Name.RESULT, i);
            } else if (result instanceof SummaryResult s) {
                summary(Name.RESULT, s);
            } else {
                reply(Name.RESULT, (ReplyResult) result); // the last AgentOutput permits
            }
            nullField(Name.USAGE);
            out.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    byte[] transcript(TranscriptEntry e) {
        try {
            out.reset();
            out.startObject();
            field(Name.TENANT_ID, e.tenantId());
            field(Name.CONVERSATION_ID, e.conversationId());
            field(Name.SEQ, e.seq());
            field(Name.MESSAGE_ID, e.messageId());
            field(Name.SENDER, e.sender() == null ? null : e.sender().wireName());
            field(Name.CHANNEL, e.channel() == null ? null : e.channel().wireName());
            instant(Name.TIMESTAMP, e.timestamp());
            field(Name.MESSAGE, e.message());
            out.endObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private void field(Name name, String value) throws IOException {
        out.name(name.key);
        string(value);
    }

    private void field(Name name, long value) {
        out.name(name.key);
        out.number(value);
    }

    private void field(Name name, boolean value) {
        out.name(name.key);
        out.bool(value);
    }

    private void nullField(Name name) {
        out.name(name.key);
        out.nullValue();
    }

    private void objectStart(Name name) {
        out.name(name.key);
        out.startObject();
    }

    private void decimalField(Name name, double value) throws IOException {
        out.name(name.key);
        writeDecimal(value);
    }

    /**
     * A string value. Text of printable ASCII alone, the most of what the job writes, is copied by
     * {@link JsonBytes#string}, a quote or a backslash escaped; anything else is written by
     * Jackson's generator.
     */
    private void string(String value) throws IOException {
        if (value == null) {
            out.nullValue();
        } else if (!out.string(value)) {
            out.value(escaped(value));
        }
    }

    /** {@code value} quoted and escaped by Jackson's generator. */
    private byte[] escaped(String value) throws IOException {
        JsonGenerator g = apart();
        g.writeString(value);
        return apartBytes();
    }

    private void operations(Operations o) throws IOException {
        if (o == null) {
            nullField(Name.OPERATIONS);
            return;
        }
        objectStart(Name.OPERATIONS);
        instant(Name.STARTED_AT, o.startedAt());
        instant(Name.LAST_MESSAGE_AT, o.lastMessageAt());
        field(Name.DURATION_MS, o.durationMs());
        longOrNull(Name.FIRST_RESPONSE_MS, o.firstResponseMs());
        longOrNull(Name.AVG_RESPONSE_MS, o.avgResponseMs());
        field(Name.RESPONSES, o.responses());
        instant(Name.WAITING_SINCE, o.waitingSince());
        field(Name.CUSTOMER_TURNS, o.customerTurns());
        if (o.predictedCsat() == null) {
            nullField(Name.PREDICTED_CSAT);
        } else {
            objectStart(Name.PREDICTED_CSAT);
            decimalField(Name.SCORE, o.predictedCsat().score());
            decimalField(Name.CONFIDENCE, o.predictedCsat().confidence());
            field(Name.METHOD, o.predictedCsat().method());
            out.endObject();
        }
        field(Name.EFFORT, o.effort());
        out.endObject();
    }

    private void longOrNull(Name field, Long value) {
        if (value == null) {
            nullField(field);
        } else {
            field(field, value.longValue());
        }
    }

    private void sentiment(Name name, SentimentResult s) throws IOException {
        if (s == null) {
            nullField(name);
            return;
        }
        objectStart(name);
        field(Name.SENTIMENT, s.sentiment() == null ? null : s.sentiment().wireName());
        decimalField(Name.SCORE, s.score());
        decimalField(Name.CONFIDENCE, s.confidence());
        field(Name.EMOTION, s.emotion() == null ? null : s.emotion().wireName());
        field(Name.REASONING, s.reasoning());
        out.endObject();
    }

    private void pii(Name name, PiiResult p) throws IOException {
        if (p == null) {
            nullField(name);
            return;
        }
        objectStart(name);
        field(Name.HAS_PII, p.hasPii());
        out.name(Name.ENTITIES.key);
        list(p.entities(), this::entities);
        field(Name.REDACTED_MESSAGE, p.redactedMessage());
        out.endObject();
    }

    private byte[] entities(List<PiiEntity> entities) throws IOException {
        JsonGenerator g = apart();
        g.writeStartArray();
        for (PiiEntity e : entities) {
            g.writeStartObject();
            apartField(g, Name.TYPE, e.type());
            g.writeFieldName(Name.START.json);
            g.writeNumber(e.start());
            g.writeFieldName(Name.END.json);
            g.writeNumber(e.end());
            apartField(g, Name.MASKED, e.masked());
            g.writeFieldName(Name.CONFIDENCE.json);
            apartDecimal(g, e.confidence());
            apartField(g, Name.MESSAGE_ID, e.messageId());
            g.writeEndObject();
        }
        g.writeEndArray();
        return apartBytes();
    }

    private static void apartField(JsonGenerator g, Name name, String value) throws IOException {
        g.writeFieldName(name.json);
        g.writeString(value);
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
            g.writeFieldName(Name.SEQ.json);
            g.writeNumber(p.seq());
            g.writeFieldName(Name.SCORE.json);
            apartDecimal(g, p.score());
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
     * {@link EncodedLists}), else made once by {@code json} and kept.
     */
    private <T> void list(List<T> list, ListJson<T> json) throws IOException {
        if (list == null) {
            out.nullValue();
            return;
        }
        byte[] bytes = encoded.get(list);
        if (bytes == null) {
            bytes = json.of(list);
            encoded.put(list, bytes);
        }
        out.value(bytes);
    }

    /**
     * The generator that writes a value apart, as a root value of its own, into an empty buffer.
     */
    private JsonGenerator apart() throws IOException {
        if (apart == null) {
            apart = factory.createGenerator(apartBuffer);
            apart.setRootValueSeparator(null);
        }
        apartBuffer.reset();
        return apart;
    }

    private byte[] apartBytes() throws IOException {
        apart.flush();
        return apartBuffer.toByteArray();
    }

    private void insights(Name name, InsightsResult i) throws IOException {
        if (i == null) {
            nullField(name);
            return;
        }
        objectStart(name);
        field(Name.INTENT, i.intent() == null ? null : i.intent().wireName());
        field(Name.URGENCY, i.urgency() == null ? null : i.urgency().wireName());
        strings(Name.SUGGESTED_ACTIONS, i.suggestedActions());
        field(Name.REQUIRES_ESCALATION, i.requiresEscalation());
        field(Name.ESCALATION_REASON, i.escalationReason());
        strings(Name.TOPICS, i.topics());
        if (i.language() != null) {
            field(Name.LANGUAGE, i.language());
            decimalField(Name.LANGUAGE_CONFIDENCE, i.languageConfidence());
        }
        out.endObject();
    }

    private void summary(Name name, SummaryResult s) throws IOException {
        if (s == null) {
            nullField(name);
            return;
        }
        objectStart(name);
        field(Name.SUMMARY, s.summary());
        strings(Name.KEY_POINTS, s.keyPoints());
        field(
                Name.RESOLUTION_STATUS,
                s.resolutionStatus() == null ? null : s.resolutionStatus().wireName());
        if (s.satisfaction() != null) {
            objectStart(Name.SATISFACTION);
            decimalField(Name.CSAT, s.satisfaction().csat());
            decimalField(Name.CONFIDENCE, s.satisfaction().confidence());
            field(Name.EFFORT, s.satisfaction().effort());
            out.endObject();
        }
        out.endObject();
    }

    private void reply(Name name, ReplyResult r) throws IOException {
        if (r == null) {
            nullField(name);
            return;
        }
        objectStart(name);
        field(Name.SUGGESTED_REPLY, r.suggestedReply());
        out.endObject();
    }

    private void agents(Map<String, AgentStatus> agents) throws IOException {
        if (agents == null) {
            nullField(Name.AGENTS);
            return;
        }
        objectStart(Name.AGENTS);
        for (Map.Entry<String, AgentStatus> e : agents.entrySet()) {
            AgentStatus s = e.getValue();
            String name = e.getKey();
            if (!out.stringName(name)) {
                out.quotedName(escaped(name));
            }
            out.startObject();
            field(Name.SEQ, s.seq());
            field(Name.PROVIDER, s.provider());
            field(Name.LATENCY_MS, s.latencyMs());
            field(Name.ATTEMPTS, s.attempts());
            field(Name.ERROR, s.error());
            out.endObject();
        }
        out.endObject();
    }

    private void strings(Name field, List<String> values) throws IOException {
        if (values == null) {
            nullField(field);
            return;
        }
        out.name(field.key);
        out.startArray();
        for (String v : values) {
            string(v);
        }
        out.endArray();
    }

    /** Instants as ISO-8601, the last few ones' text kept: most records share the millisecond. */
    private void instant(Name field, Instant value) throws IOException {
        if (value == null) {
            nullField(field);
            return;
        }
        out.name(field.key);
        for (int k = 0; k < instants.length; k++) {
            if (value.equals(instants[k])) {
                out.value(instantTexts[k]);
                return;
            }
        }
        String text = IsoInstants.text(value);
        byte[] quoted = JsonBytes.quoted(text);
        if (quoted == null) {
            quoted = escaped(text);
        }
        instants[nextInstant] = value;
        instantTexts[nextInstant] = quoted;
        nextInstant = (nextInstant + 1) % instants.length;
        out.value(quoted);
    }

    /**
     * A number with a decimal point, as Jackson writes a double. Values of at most three decimals
     * (the scores and confidences the agents round) are written directly; others by Jackson.
     */
    private void writeDecimal(double v) throws IOException {
        byte[] text = decimalBytes(v);
        if (text != null) {
            out.value(text);
        } else {
            number(v);
        }
    }

    /** A double as Jackson writes it. */
    private void number(double v) throws IOException {
        JsonGenerator g = apart();
        g.writeNumber(v);
        out.value(apartBytes());
    }

    private static void apartDecimal(JsonGenerator g, double v) throws IOException {
        String text = decimal(v);
        if (text == null) {
            g.writeNumber(v);
        } else {
            g.writeNumber(text);
        }
    }

    /** {@link #decimal(double)}'s text as bytes; null when it has more than three decimals. */
    private static byte[] decimalBytes(double v) {
        long thousandths = thousandths(v);
        if (thousandths == NOT_THOUSANDTHS) {
            return null;
        }
        return thousandths >= LOWEST && thousandths <= HIGHEST
                ? DECIMAL_BYTES[(int) (thousandths - LOWEST)]
                : decimalText(thousandths).getBytes(StandardCharsets.US_ASCII);
    }

    /** The lowest and highest thousandths whose text is made once: the scores, satisfaction. */
    private static final int LOWEST = -1_000;

    private static final int HIGHEST = 5_000;

    private static final String[] DECIMALS = new String[HIGHEST - LOWEST + 1];

    private static final byte[][] DECIMAL_BYTES = new byte[DECIMALS.length][];

    static {
        for (int t = LOWEST; t <= HIGHEST; t++) {
            DECIMALS[t - LOWEST] = decimalText(t);
            DECIMAL_BYTES[t - LOWEST] = DECIMALS[t - LOWEST].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** {@code v} as Jackson writes it if it has at most three decimals; else null. */
    static String decimal(double v) {
        long thousandths = thousandths(v);
        if (thousandths == NOT_THOUSANDTHS) {
            return null;
        }
        return thousandths >= LOWEST && thousandths <= HIGHEST
                ? DECIMALS[(int) (thousandths - LOWEST)]
                : decimalText(thousandths);
    }

    /** What {@link #thousandths} returns for a value of more than three decimals. */
    private static final long NOT_THOUSANDTHS = Long.MIN_VALUE;

    /**
     * {@code v} in thousandths if it has at most three decimals (and is not -0.0 or a million or
     * more, which Jackson writes otherwise); else {@link #NOT_THOUSANDTHS}. Exactly: v must be the
     * very double the text reads back as (0.8400000000000001, one step from 0.84, is not 0.84).
     */
    private static long thousandths(double v) {
        long thousandths = Math.round(v * 1000);
        if (Math.abs(v) >= 1e6 || thousandths / 1000.0 != v || v == 0 && 1 / v < 0) {
            return NOT_THOUSANDTHS;
        }
        return thousandths;
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
