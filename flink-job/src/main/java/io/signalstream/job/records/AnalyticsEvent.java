package io.signalstream.job.records;

import io.signalstream.model.Intent;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What one analysed message adds to its tenant's analytics, from the aggregator (chained, then
 * combined per subtask before the shuffle by tenant).
 *
 * @param atMs the message's own time (event time), never later than the job's clock plus a minute
 * @param sender who wrote the message; null for an event that only escalates or resolves the
 *     conversation (a model's answer after its message)
 * @param started the conversation's first message
 * @param firstIn bit {@code 1 << granularity.ordinal()}: the conversation's first message in that
 *     granularity's bucket (how conversations are counted active without keeping their ids)
 * @param sentiment the customer message's sentiment; null for other senders
 * @param score its score (unused without a sentiment)
 * @param intent the customer message's intent; null for other senders
 * @param urgency the customer message's urgency; null for other senders
 * @param escalation the conversation first needs an escalation with this step (counted once per
 *     conversation)
 * @param resolved the conversation is first resolved with this step (counted once per conversation)
 * @param piiFirst the conversation's personal data was first found in this message
 * @param firstResponseMs the conversation's first response time, when this message gave it; else -1
 * @param responseMs the wait this (agent) message ended; else -1
 * @param predictedCsat the conversation's predicted satisfaction after this message; 0 when none
 * @param language the message's language; null when unknown
 * @param model what a model call cost, for an event that only counts that (no message; its other
 *     fields are empty); null for a message's event
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record AnalyticsEvent(
        String tenantId,
        long atMs,
        Sender sender,
        boolean started,
        int firstIn,
        SentimentLabel sentiment,
        double score,
        Intent intent,
        Urgency urgency,
        boolean escalation,
        boolean resolved,
        boolean piiFirst,
        long firstResponseMs,
        long responseMs,
        double predictedCsat,
        String language,
        ModelUse model) {

    /**
     * What one model call cost: the requests it made, the tokens the model counted, and whether the
     * tenant's budget sent it to the local agents instead.
     */
    public record ModelUse(
            long requests, long inputTokens, long outputTokens, boolean overBudget) {}

    /**
     * A model's later answer that first escalated or resolved the conversation: counts no message.
     */
    public static AnalyticsEvent turn(
            String tenantId, long atMs, boolean escalation, boolean resolved) {
        return new AnalyticsEvent(
                tenantId,
                atMs,
                null,
                false,
                0,
                null,
                0,
                null,
                null,
                escalation,
                resolved,
                false,
                -1,
                -1,
                0,
                null,
                null);
    }

    /** A model call's cost at {@code atMs} (processing time: when it was paid for). */
    public static AnalyticsEvent modelUse(String tenantId, long atMs, ModelUse use) {
        return new AnalyticsEvent(
                tenantId, atMs, null, false, 0, null, 0, null, null, false, false, false, -1, -1, 0,
                null, use);
    }

    /** Format 2: the fields in order, the model's use last (format 1 has none). */
    public static final class Serializer extends ImmutableSerializer<AnalyticsEvent> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 2;
        }

        @Override
        protected void write(AnalyticsEvent e, DataOutputView out) throws IOException {
            Serde.string(out, e.tenantId());
            out.writeLong(e.atMs());
            Serde.enumValue(out, e.sender());
            out.writeBoolean(e.started());
            out.writeInt(e.firstIn());
            Serde.enumValue(out, e.sentiment());
            out.writeDouble(e.score());
            Serde.enumValue(out, e.intent());
            Serde.enumValue(out, e.urgency());
            out.writeBoolean(e.escalation());
            out.writeBoolean(e.resolved());
            out.writeBoolean(e.piiFirst());
            out.writeLong(e.firstResponseMs());
            out.writeLong(e.responseMs());
            out.writeDouble(e.predictedCsat());
            Serde.string(out, e.language());
            out.writeBoolean(e.model() != null);
            if (e.model() != null) {
                out.writeLong(e.model().requests());
                out.writeLong(e.model().inputTokens());
                out.writeLong(e.model().outputTokens());
                out.writeBoolean(e.model().overBudget());
            }
        }

        @Override
        protected AnalyticsEvent read(int format, DataInputView in) throws IOException {
            return new AnalyticsEvent(
                    Serde.string(in),
                    in.readLong(),
                    Serde.enumValue(in, Sender.values()),
                    in.readBoolean(),
                    in.readInt(),
                    Serde.enumValue(in, SentimentLabel.values()),
                    in.readDouble(),
                    Serde.enumValue(in, Intent.values()),
                    Serde.enumValue(in, Urgency.values()),
                    in.readBoolean(),
                    in.readBoolean(),
                    in.readBoolean(),
                    in.readLong(),
                    in.readLong(),
                    in.readDouble(),
                    Serde.string(in),
                    format >= 2 && in.readBoolean()
                            ? new ModelUse(
                                    in.readLong(), in.readLong(), in.readLong(), in.readBoolean())
                            : null);
        }
    }
}
