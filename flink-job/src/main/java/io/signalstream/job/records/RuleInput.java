package io.signalstream.job.records;

import io.signalstream.model.Sender;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the rules read about a conversation after the aggregator: its new aggregate version (the
 * bytes already encoded for {@code support.ai.aggregated}, parsed only when the tenant has rules),
 * and the message that led to it, if any. {@code cleared} says the conversation expired or was
 * erased, so the rules forget it.
 *
 * @param aggregate the aggregate's JSON, or null when this step wrote none
 * @param sender the sender of the message this step analysed, or null (a model's late answer)
 * @param messageAtMs the message's time (epoch milliseconds), or the time of the step without one
 * @param seq the message count with that message
 * @param text the message's redacted text, clipped; null without a message
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record RuleInput(
        String key,
        String tenantId,
        String conversationId,
        boolean cleared,
        byte[] aggregate,
        long epoch,
        long version,
        Sender sender,
        long messageAtMs,
        long seq,
        String text) {

    /** The longest text a rule's pattern reads (the start of a longer message). */
    public static final int MAX_TEXT = 4_000;

    /** The same conversation's next step, keeping what the rules remember of this one. */
    public RuleInput withAggregate(byte[] newer, long newerEpoch, long newerVersion) {
        return new RuleInput(
                key,
                tenantId,
                conversationId,
                cleared,
                newer,
                newerEpoch,
                newerVersion,
                sender,
                messageAtMs,
                seq,
                text);
    }

    /** Format 1. */
    public static final class Serializer extends ImmutableSerializer<RuleInput> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 1;
        }

        @Override
        protected void write(RuleInput r, DataOutputView out) throws IOException {
            Serde.string(out, r.key());
            Serde.string(out, r.tenantId());
            Serde.string(out, r.conversationId());
            out.writeBoolean(r.cleared());
            Serde.bytes(out, r.aggregate());
            out.writeLong(r.epoch());
            out.writeLong(r.version());
            Serde.enumValue(out, r.sender());
            out.writeLong(r.messageAtMs());
            out.writeLong(r.seq());
            Serde.string(out, r.text());
        }

        @Override
        protected RuleInput read(int format, DataInputView in) throws IOException {
            return new RuleInput(
                    Serde.string(in),
                    Serde.string(in),
                    Serde.string(in),
                    in.readBoolean(),
                    Serde.bytes(in),
                    in.readLong(),
                    in.readLong(),
                    Serde.enumValue(in, Sender.values()),
                    in.readLong(),
                    in.readLong(),
                    Serde.string(in));
        }
    }
}
