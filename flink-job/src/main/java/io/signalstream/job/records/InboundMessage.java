package io.signalstream.job.records;

import io.signalstream.model.Channel;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.Sender;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A message as it crosses the job's one network exchange (the {@code keyBy} on the conversation):
 * already validated, its personal data found and redacted, and its local signals read. Raw personal
 * data never leaves the parse stage.
 *
 * <p>An erasure request ({@link #erase}) travels the same way, in order with the conversation's
 * messages: it is the one kind without a sender or channel (a message always has both, the parse
 * stage checks), its {@code messageId} the erasure's id.
 *
 * @param text the redacted text: each entity replaced by {@code <TYPE>}
 * @param pii the entities found, offsets in the original text
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record InboundMessage(
        String tenantId,
        String conversationId,
        String messageId,
        Sender sender,
        Channel channel,
        Instant timestamp,
        String text,
        List<PiiEntity> pii,
        MessageSignals signals,
        String traceparent) {

    /** A message without a trace. */
    public InboundMessage(
            String tenantId,
            String conversationId,
            String messageId,
            Sender sender,
            Channel channel,
            Instant timestamp,
            String text,
            List<PiiEntity> pii,
            MessageSignals signals) {
        this(
                tenantId,
                conversationId,
                messageId,
                sender,
                channel,
                timestamp,
                text,
                pii,
                signals,
                null);
    }

    /** The same message, carrying the W3C {@code traceparent} it was posted under. */
    public InboundMessage withTraceparent(String value) {
        return new InboundMessage(
                tenantId,
                conversationId,
                messageId,
                sender,
                channel,
                timestamp,
                text,
                pii,
                signals,
                value);
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }

    /** The request to erase a conversation, as it crosses the exchange. */
    public static InboundMessage erase(ConversationErasure erasure) {
        return new InboundMessage(
                erasure.tenantId(),
                erasure.conversationId(),
                erasure.erasureId(),
                null,
                null,
                erasure.requestedAt(),
                "",
                List.of(),
                MessageSignals.NONE);
    }

    /** Whether this is an erasure request rather than a message. */
    public boolean isErase() {
        return sender == null;
    }

    /**
     * Format 2: the fields in order, signals inline, the traceparent last. Format 1 has no
     * traceparent. Records that embed a message ({@link AgentRequest}) write the current body.
     */
    public static final class Serializer extends ImmutableSerializer<InboundMessage> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        static final int CURRENT = 2;

        @Override
        protected int format() {
            return CURRENT;
        }

        @Override
        protected void write(InboundMessage m, DataOutputView out) throws IOException {
            writeCurrent(m, out);
        }

        /** The current format's body, without the format byte. */
        static void writeCurrent(InboundMessage m, DataOutputView out) throws IOException {
            Serde.string(out, m.tenantId());
            Serde.string(out, m.conversationId());
            Serde.string(out, m.messageId());
            Serde.enumValue(out, m.sender());
            Serde.enumValue(out, m.channel());
            Serde.instant(out, m.timestamp());
            Serde.string(out, m.text());
            Serde.list(out, m.pii(), Serde::piiEntity);
            MessageSignals.write(out, m.signals());
            Serde.string(out, m.traceparent());
        }

        @Override
        protected InboundMessage read(int format, DataInputView in) throws IOException {
            return readFormat(format, in);
        }

        /** A body written in {@code format}. */
        static InboundMessage readFormat(int format, DataInputView in) throws IOException {
            return new InboundMessage(
                    Serde.string(in),
                    Serde.string(in),
                    Serde.string(in),
                    Serde.enumValue(in, Sender.values()),
                    Serde.enumValue(in, Channel.values()),
                    Serde.instant(in),
                    Serde.string(in),
                    Serde.list(in, Serde::piiEntity),
                    MessageSignals.read(in),
                    format >= 2 ? Serde.string(in) : null);
        }
    }
}
