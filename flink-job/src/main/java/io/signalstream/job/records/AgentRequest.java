package io.signalstream.job.records;

import io.signalstream.model.ConversationKey;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the conversation operator asks of the agents: compact and bounded, never the whole window.
 *
 * @param kind what to do
 * @param seq the message count the answer reflects
 * @param message {@code MESSAGE}: the new message; {@code ANALYSIS}: the customer message it
 *     answers; otherwise null
 * @param context the local agents' context as of {@code seq} (also what a model falls back on)
 * @param transcript model calls only: the recent window, oldest first, lines clipped; else empty
 * @param createdAtMs processing time the request was made
 * @param epoch when the conversation's life began (see {@link Conversation#epoch()})
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record AgentRequest(
        Kind kind,
        String tenantId,
        String conversationId,
        long seq,
        InboundMessage message,
        ConversationContext context,
        List<TranscriptLine> transcript,
        long createdAtMs,
        long epoch) {

    /** A request of a conversation's first life as counted before epochs existed (epoch 0). */
    public AgentRequest(
            Kind kind,
            String tenantId,
            String conversationId,
            long seq,
            InboundMessage message,
            ConversationContext context,
            List<TranscriptLine> transcript,
            long createdAtMs) {
        this(kind, tenantId, conversationId, seq, message, context, transcript, createdAtMs, 0);
    }

    /** What a request asks for. */
    public enum Kind {
        /** A new message: the local agents answer it at once (all of them, or the local part). */
        MESSAGE,
        /** A model call: sentiment, insights, summary and reply in one answer. */
        ANALYSIS,
        /** A model call: the summary alone, for messages no analysis covered. */
        SUMMARY,
        /** The conversation expired: forget it and remove what was written for it. */
        EXPIRE,
        /**
         * The conversation was erased on request ({@code message} is the request): remove what was
         * written for it and record that it is done.
         */
        ERASE;

        public boolean modelCall() {
            return this == ANALYSIS || this == SUMMARY;
        }
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }

    /**
     * Format 4: format 3 with the message's current format (its traceparent). Format 3: format 2
     * with the context's response times. Format 2: format 1 and the epoch. Requests in flight are
     * part of the async operator's checkpoint, so this format is state too; format 1 reads with
     * epoch 0.
     */
    public static final class Serializer extends ImmutableSerializer<AgentRequest> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 4;
        }

        @Override
        protected void write(AgentRequest r, DataOutputView out) throws IOException {
            writeCurrent(r, out);
        }

        /** The current format's body (without the format byte), for records that embed one. */
        static void writeCurrent(AgentRequest r, DataOutputView out) throws IOException {
            Serde.enumValue(out, r.kind());
            Serde.string(out, r.tenantId());
            Serde.string(out, r.conversationId());
            out.writeLong(r.seq());
            if (Serde.present(out, r.message())) {
                InboundMessage.Serializer.writeCurrent(r.message(), out);
            }
            if (Serde.present(out, r.context())) {
                ConversationContext.write(out, r.context());
            }
            Serde.list(out, r.transcript(), TranscriptLine::write);
            out.writeLong(r.createdAtMs());
            out.writeLong(r.epoch());
        }

        @Override
        protected AgentRequest read(int format, DataInputView in) throws IOException {
            return readFormat(format, in);
        }

        /** A body written in {@code format}. */
        static AgentRequest readFormat(int format, DataInputView in) throws IOException {
            return new AgentRequest(
                    Serde.enumValue(in, Kind.values()),
                    Serde.string(in),
                    Serde.string(in),
                    in.readLong(),
                    in.readBoolean()
                            ? InboundMessage.Serializer.readFormat(format >= 4 ? 2 : 1, in)
                            : null,
                    in.readBoolean() ? ConversationContext.read(in, format >= 3) : null,
                    Serde.list(in, TranscriptLine::read),
                    in.readLong(),
                    format >= 2 ? in.readLong() : 0);
        }
    }
}
