package io.signalstream.job.records;

import io.signalstream.model.AgentStatus;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Reading and writing the parts the job's records are made of. Enums are written by ordinal, so
 * their order is part of the state format ({@code SerializedEnumOrderTest} pins it); strings, lists
 * and instants may be null.
 */
final class Serde {

    private static final long NO_INSTANT = Long.MIN_VALUE;

    private Serde() {}

    /** Writes one element of a list. */
    @FunctionalInterface
    interface Writer<T> {
        void write(DataOutputView out, T value) throws IOException;
    }

    /** Reads one element of a list. */
    @FunctionalInterface
    interface Reader<T> {
        T read(DataInputView in) throws IOException;
    }

    /**
     * A string as its UTF-8 bytes after their length (-1 for null): the JDK's own encoder and
     * decoder, much faster for the mostly-ASCII text here than a character at a time.
     */
    static void string(DataOutputView out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String string(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void instant(DataOutputView out, Instant value) throws IOException {
        if (value == null) {
            out.writeLong(NO_INSTANT);
            return;
        }
        out.writeLong(value.getEpochSecond());
        out.writeInt(value.getNano());
    }

    static Instant instant(DataInputView in) throws IOException {
        long seconds = in.readLong();
        return seconds == NO_INSTANT ? null : Instant.ofEpochSecond(seconds, in.readInt());
    }

    static void enumValue(DataOutputView out, Enum<?> value) throws IOException {
        out.writeByte(value == null ? -1 : value.ordinal());
    }

    static <E extends Enum<E>> E enumValue(DataInputView in, E[] values) throws IOException {
        int ordinal = in.readByte();
        if (ordinal >= values.length) {
            throw new IOException(
                    "unknown " + values[0].getDeclaringClass().getSimpleName() + " " + ordinal);
        }
        return ordinal < 0 ? null : values[ordinal];
    }

    static <T> void list(DataOutputView out, List<T> values, Writer<T> element) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.size());
        for (T v : values) {
            element.write(out, v);
        }
    }

    static <T> List<T> list(DataInputView in, Reader<T> element) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            return null;
        }
        List<T> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(element.read(in));
        }
        return List.copyOf(values);
    }

    static void strings(DataOutputView out, List<String> values) throws IOException {
        list(out, values, Serde::string);
    }

    static List<String> strings(DataInputView in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            return null;
        }
        // List.copyOf refuses null elements; a list of strings may hold none here anyway.
        List<String> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(string(in));
        }
        return List.copyOf(values);
    }

    static void bytes(DataOutputView out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    static byte[] bytes(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }

    /** Writes whether {@code value} is there; true means its fields follow. */
    static boolean present(DataOutputView out, Object value) throws IOException {
        out.writeBoolean(value != null);
        return value != null;
    }

    // --- the model's result records ------------------------------------------------------------

    static void piiEntity(DataOutputView out, PiiEntity e) throws IOException {
        string(out, e.type());
        out.writeInt(e.start());
        out.writeInt(e.end());
        string(out, e.masked());
        out.writeDouble(e.confidence());
        string(out, e.messageId());
    }

    static PiiEntity piiEntity(DataInputView in) throws IOException {
        return new PiiEntity(
                string(in), in.readInt(), in.readInt(), string(in), in.readDouble(), string(in));
    }

    static void pii(DataOutputView out, PiiResult p) throws IOException {
        if (present(out, p)) {
            out.writeBoolean(p.hasPii());
            list(out, p.entities(), Serde::piiEntity);
            string(out, p.redactedMessage());
        }
    }

    static PiiResult pii(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new PiiResult(in.readBoolean(), list(in, Serde::piiEntity), string(in));
    }

    static void sentiment(DataOutputView out, SentimentResult s) throws IOException {
        if (present(out, s)) {
            enumValue(out, s.sentiment());
            out.writeDouble(s.score());
            out.writeDouble(s.confidence());
            enumValue(out, s.emotion());
            string(out, s.reasoning());
        }
    }

    static SentimentResult sentiment(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new SentimentResult(
                enumValue(in, SentimentLabel.values()),
                in.readDouble(),
                in.readDouble(),
                enumValue(in, Emotion.values()),
                string(in));
    }

    static void insights(DataOutputView out, InsightsResult i) throws IOException {
        if (present(out, i)) {
            enumValue(out, i.intent());
            enumValue(out, i.urgency());
            strings(out, i.suggestedActions());
            out.writeBoolean(i.requiresEscalation());
            string(out, i.escalationReason());
            strings(out, i.topics());
            string(out, i.language());
            out.writeDouble(i.languageConfidence() == null ? 0 : i.languageConfidence());
        }
    }

    /**
     * Insights as {@link #insights(DataOutputView, InsightsResult)} writes them; without the
     * language when {@code withLanguage} is false (records of earlier formats).
     */
    static InsightsResult insights(DataInputView in, boolean withLanguage) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        InsightsResult i =
                new InsightsResult(
                        enumValue(in, Intent.values()),
                        enumValue(in, Urgency.values()),
                        strings(in),
                        in.readBoolean(),
                        string(in),
                        strings(in));
        if (!withLanguage) {
            return i;
        }
        String language = string(in);
        double confidence = in.readDouble();
        return language == null ? i : i.withLanguage(language, confidence);
    }

    static void summary(DataOutputView out, SummaryResult s) throws IOException {
        if (present(out, s)) {
            string(out, s.summary());
            strings(out, s.keyPoints());
            enumValue(out, s.resolutionStatus());
            SummaryResult.Satisfaction satisfaction = s.satisfaction();
            if (present(out, satisfaction)) {
                out.writeDouble(satisfaction.csat());
                out.writeDouble(satisfaction.confidence());
                string(out, satisfaction.effort());
            }
        }
    }

    /**
     * A summary as {@link #summary(DataOutputView, SummaryResult)} writes it; {@code
     * withSatisfaction} false for the layout before the model's satisfaction estimate.
     */
    static SummaryResult summary(DataInputView in, boolean withSatisfaction) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        String summary = string(in);
        List<String> keyPoints = strings(in);
        ResolutionStatus status = enumValue(in, ResolutionStatus.values());
        SummaryResult.Satisfaction satisfaction =
                withSatisfaction && in.readBoolean()
                        ? new SummaryResult.Satisfaction(
                                in.readDouble(), in.readDouble(), string(in))
                        : null;
        return new SummaryResult(summary, keyPoints, status, satisfaction);
    }

    static void reply(DataOutputView out, ReplyResult r) throws IOException {
        if (present(out, r)) {
            string(out, r.suggestedReply());
        }
    }

    static ReplyResult reply(DataInputView in) throws IOException {
        return in.readBoolean() ? new ReplyResult(string(in)) : null;
    }

    static void status(DataOutputView out, AgentStatus s) throws IOException {
        out.writeLong(s.seq());
        string(out, s.provider());
        out.writeLong(s.latencyMs());
        out.writeInt(s.attempts());
        string(out, s.error());
    }

    static AgentStatus status(DataInputView in) throws IOException {
        return new AgentStatus(in.readLong(), string(in), in.readLong(), in.readInt(), string(in));
    }

    static void point(DataOutputView out, SentimentPoint p) throws IOException {
        out.writeLong(p.seq());
        out.writeDouble(p.score());
    }

    static SentimentPoint point(DataInputView in) throws IOException {
        return new SentimentPoint(in.readLong(), in.readDouble());
    }

    static void usage(DataOutputView out, LlmUsage u) throws IOException {
        if (present(out, u)) {
            string(out, u.promptVersion());
            string(out, u.callId());
            out.writeLong(u.inputTokens());
            out.writeLong(u.outputTokens());
            out.writeInt(u.attempts());
            string(out, u.fallbackReason());
        }
    }

    static LlmUsage usage(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new LlmUsage(
                string(in), string(in), in.readLong(), in.readLong(), in.readInt(), string(in));
    }
}
