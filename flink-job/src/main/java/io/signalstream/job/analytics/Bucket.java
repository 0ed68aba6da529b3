package io.signalstream.job.analytics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.signalstream.job.records.AnalyticsEvent;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One tenant's figures for one bucket (a minute, an hour or a day of event time): counts,
 * distributions and response-time histograms (HdrHistogram, mergeable, so an hour's percentiles are
 * exact to two significant digits, never averages of averages). Partial buckets of each subtask
 * merge into the tenant's bucket; the merged bucket is written as JSON.
 *
 * <p>Definitions: {@code conversations_active} counts conversations with a message in the bucket,
 * {@code conversations_started} those whose first message is in it, {@code conversations_resolved}
 * those first resolved in it (a message says the problem is solved or the summary's status is
 * resolved), {@code escalations} those that first needed an escalation in it ({@code
 * escalation_rate} is escalations per active conversation, at most 1), each counted once per
 * conversation however long it stays resolved or escalated, {@code conversations_with_pii}
 * conversations whose personal data was first found in the bucket, {@code predicted_csat_mean} the
 * mean predicted satisfaction after each message, {@code first_response_ms} the first responses
 * given in the bucket, {@code response_ms} every response, {@code model} the model calls paid for
 * in the bucket (processing time): calls answered or failed, requests, the tokens the model
 * counted, and calls the tenant's token budget sent to the local agents ({@code over_budget}).
 */
final class Bucket {

    /** Languages kept by name per bucket; more are counted under {@code other}. */
    static final int MAX_LANGUAGES = 64;

    /** Response times above this count as this (an HdrHistogram of int counts: ~12 KB live). */
    private static final long MAX_MS = TimeUnit.DAYS.toMillis(7);

    private static final JsonFactory JSON = Json.newMapper().getFactory();

    long started;
    long active;
    long resolved;
    long messages;
    final long[] bySender = new long[Sender.values().length];
    final long[] sentiment = new long[SentimentLabel.values().length];
    double sentimentSum;
    final long[] intents = new long[Intent.values().length];
    final long[] urgency = new long[Urgency.values().length];
    long escalations;
    long customerMessages;
    long withPii;
    double csatSum;
    long csatCount;
    final Map<String, Long> languages = new TreeMap<>();
    final AbstractHistogram firstResponse = histogram();
    final AbstractHistogram response = histogram();
    long modelCalls;
    long modelRequests;
    long inputTokens;
    long outputTokens;
    long overBudget;

    private static AbstractHistogram histogram() {
        return new IntCountsHistogram(MAX_MS, 2);
    }

    /** Adds one message; {@code g} decides whether it makes its conversation active here. */
    void add(AnalyticsEvent e, Granularity g) {
        if (e.model() != null) {
            modelCalls += e.model().overBudget() ? 0 : 1;
            modelRequests += e.model().requests();
            inputTokens += e.model().inputTokens();
            outputTokens += e.model().outputTokens();
            overBudget += e.model().overBudget() ? 1 : 0;
            return;
        }
        resolved += e.resolved() ? 1 : 0;
        escalations += e.escalation() ? 1 : 0;
        if (e.sender() == null) {
            return; // a later answer that escalated or resolved the conversation: no message
        }
        messages++;
        started += e.started() ? 1 : 0;
        active += (e.firstIn() & g.bit()) != 0 ? 1 : 0;
        bySender[e.sender().ordinal()]++;
        if (e.sender() == Sender.CUSTOMER) {
            customerMessages++;
        }
        if (e.sentiment() != null) {
            sentiment[e.sentiment().ordinal()]++;
            sentimentSum += e.score();
        }
        if (e.intent() != null) {
            intents[e.intent().ordinal()]++;
        }
        if (e.urgency() != null) {
            urgency[e.urgency().ordinal()]++;
        }
        withPii += e.piiFirst() ? 1 : 0;
        if (e.predictedCsat() > 0) {
            csatSum += e.predictedCsat();
            csatCount++;
        }
        if (e.language() != null) {
            language(e.language(), 1);
        }
        if (e.firstResponseMs() >= 0) {
            firstResponse.recordValue(Math.min(MAX_MS, e.firstResponseMs()));
        }
        if (e.responseMs() >= 0) {
            response.recordValue(Math.min(MAX_MS, e.responseMs()));
        }
    }

    private void language(String language, long n) {
        Long known = languages.get(language);
        if (known != null) {
            languages.put(language, known + n);
        } else {
            languages.merge(languages.size() < MAX_LANGUAGES ? language : "other", n, Long::sum);
        }
    }

    /** Adds everything {@code o} counted. */
    void merge(Bucket o) {
        started += o.started;
        active += o.active;
        resolved += o.resolved;
        messages += o.messages;
        add(bySender, o.bySender);
        add(sentiment, o.sentiment);
        sentimentSum += o.sentimentSum;
        add(intents, o.intents);
        add(urgency, o.urgency);
        escalations += o.escalations;
        customerMessages += o.customerMessages;
        withPii += o.withPii;
        csatSum += o.csatSum;
        csatCount += o.csatCount;
        o.languages.forEach(this::language);
        firstResponse.add(o.firstResponse);
        response.add(o.response);
        modelCalls += o.modelCalls;
        modelRequests += o.modelRequests;
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        overBudget += o.overBudget;
    }

    private static void add(long[] into, long[] from) {
        for (int i = 0; i < into.length && i < from.length; i++) {
            into[i] += from[i];
        }
    }

    byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(2);
            out.writeLong(started);
            out.writeLong(active);
            out.writeLong(resolved);
            out.writeLong(messages);
            longs(out, bySender);
            longs(out, sentiment);
            out.writeDouble(sentimentSum);
            longs(out, intents);
            longs(out, urgency);
            out.writeLong(escalations);
            out.writeLong(customerMessages);
            out.writeLong(withPii);
            out.writeDouble(csatSum);
            out.writeLong(csatCount);
            out.writeShort(languages.size());
            for (Map.Entry<String, Long> l : languages.entrySet()) {
                out.writeUTF(l.getKey());
                out.writeLong(l.getValue());
            }
            histogram(out, firstResponse);
            histogram(out, response);
            out.writeLong(modelCalls);
            out.writeLong(modelRequests);
            out.writeLong(inputTokens);
            out.writeLong(outputTokens);
            out.writeLong(overBudget);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Bucket fromBytes(byte[] value) {
        Bucket b = new Bucket();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            int format = in.readUnsignedByte();
            if (format != 1 && format != 2) {
                throw new IOException("unknown analytics bucket format " + format);
            }
            b.started = in.readLong();
            b.active = in.readLong();
            b.resolved = in.readLong();
            b.messages = in.readLong();
            longs(in, b.bySender);
            longs(in, b.sentiment);
            b.sentimentSum = in.readDouble();
            longs(in, b.intents);
            longs(in, b.urgency);
            b.escalations = in.readLong();
            b.customerMessages = in.readLong();
            b.withPii = in.readLong();
            b.csatSum = in.readDouble();
            b.csatCount = in.readLong();
            int languages = in.readUnsignedShort();
            for (int i = 0; i < languages; i++) {
                b.languages.put(in.readUTF(), in.readLong());
            }
            b.firstResponse.add(histogram(in));
            b.response.add(histogram(in));
            if (format >= 2) {
                b.modelCalls = in.readLong();
                b.modelRequests = in.readLong();
                b.inputTokens = in.readLong();
                b.outputTokens = in.readLong();
                b.overBudget = in.readLong();
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void longs(DataOutputStream out, long[] values) throws IOException {
        out.writeShort(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    /** Reads counts by position; a count of a value this build does not know is dropped. */
    private static void longs(DataInputStream in, long[] into) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            long v = in.readLong();
            if (i < into.length) {
                into[i] = v;
            }
        }
    }

    private static void histogram(DataOutputStream out, AbstractHistogram h) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoByteBuffer(buffer);
        out.writeInt(length);
        out.write(buffer.array(), 0, length);
    }

    private static IntCountsHistogram histogram(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return IntCountsHistogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
    }

    /** The bucket as {@code GET /v1/analytics} answers it. */
    byte[] json(String tenant, Granularity g, long start, long updatedAtMs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator j = JSON.createGenerator(bytes)) {
            j.writeStartObject();
            j.writeStringField("tenant_id", tenant);
            j.writeStringField("granularity", g.wireName());
            j.writeStringField("start", Instant.ofEpochMilli(start).toString());
            j.writeStringField("end", Instant.ofEpochMilli(start + g.sizeMs()).toString());
            j.writeNumberField("conversations_started", started);
            j.writeNumberField("conversations_active", active);
            j.writeNumberField("conversations_resolved", resolved);
            j.writeNumberField("messages", messages);
            j.writeObjectFieldStart("messages_by_sender");
            for (Sender s : Sender.values()) {
                j.writeNumberField(s.wireName(), bySender[s.ordinal()]);
            }
            j.writeEndObject();
            j.writeObjectFieldStart("sentiment");
            long scored = 0;
            for (SentimentLabel s : SentimentLabel.values()) {
                j.writeNumberField(s.wireName(), sentiment[s.ordinal()]);
                scored += sentiment[s.ordinal()];
            }
            j.writeEndObject();
            nullable(j, "sentiment_mean", scored == 0 ? null : round(sentimentSum / scored, 3));
            j.writeObjectFieldStart("intents");
            for (Intent i : Intent.values()) {
                if (intents[i.ordinal()] > 0) {
                    j.writeNumberField(i.wireName(), intents[i.ordinal()]);
                }
            }
            j.writeEndObject();
            j.writeObjectFieldStart("urgency");
            for (Urgency u : Urgency.values()) {
                j.writeNumberField(u.wireName(), urgency[u.ordinal()]);
            }
            j.writeEndObject();
            j.writeNumberField("escalations", escalations);
            nullable(
                    j,
                    "escalation_rate",
                    active == 0 ? null : round((double) Math.min(escalations, active) / active, 4));
            j.writeNumberField("conversations_with_pii", withPii);
            percentiles(j, "first_response_ms", firstResponse);
            percentiles(j, "response_ms", response);
            nullable(
                    j,
                    "predicted_csat_mean",
                    csatCount == 0 ? null : round(csatSum / csatCount, 2));
            j.writeObjectFieldStart("languages");
            for (Map.Entry<String, Long> l : languages.entrySet()) {
                j.writeNumberField(l.getKey(), l.getValue());
            }
            j.writeEndObject();
            j.writeObjectFieldStart("model");
            j.writeNumberField("calls", modelCalls);
            j.writeNumberField("requests", modelRequests);
            j.writeNumberField("input_tokens", inputTokens);
            j.writeNumberField("output_tokens", outputTokens);
            j.writeNumberField("over_budget", overBudget);
            j.writeEndObject();
            j.writeStringField("updated_at", Instant.ofEpochMilli(updatedAtMs).toString());
            j.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void percentiles(JsonGenerator j, String field, AbstractHistogram h)
            throws IOException {
        j.writeObjectFieldStart(field);
        j.writeNumberField("count", h.getTotalCount());
        for (int p : new int[] {50, 90, 99}) {
            if (h.getTotalCount() == 0) {
                j.writeNullField("p" + p);
            } else {
                j.writeNumberField("p" + p, h.getValueAtPercentile(p));
            }
        }
        j.writeEndObject();
    }

    private static void nullable(JsonGenerator j, String field, Double value) throws IOException {
        if (value == null) {
            j.writeNullField(field);
        } else {
            j.writeNumberField(field, value.doubleValue());
        }
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
