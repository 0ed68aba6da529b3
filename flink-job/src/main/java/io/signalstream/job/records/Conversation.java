package io.signalstream.job.records;

import io.signalstream.model.ConversationKey;
import java.io.IOException;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One conversation as the conversation operator keeps it: one state value, read and written in
 * RocksDB at most once per message (not at all while it is kept on the heap), whose size does not
 * grow with the conversation.
 *
 * @param messageCount distinct messages seen; a message's {@code seq} is the count with it
 * @param startedAt the earliest message time seen
 * @param lastActivity the latest message time seen
 * @param lastSeenMs processing time of the newest message: the conversation expires after the TTL
 *     without one
 * @param expiryTimer the processing-time timer registered for expiry, 0 when none
 * @param recentIds hashes (64 bit) of the newest message ids, a ring indexed by {@code seq}: the
 *     dedupe window
 * @param context what the local agents know of the earlier messages
 * @param plannedSeq the newest seq a model call was planned for (model providers only)
 * @param quietDue when a summary-only call is due because the conversation went quiet, 0 when none
 * @param quietTimer the processing-time timer registered for it, 0 when none
 * @param epoch when this life of the conversation began (processing time of its first message):
 *     after an expiry, an erasure or a replay from scratch the count starts again, in a later
 *     epoch, so readers order aggregates by {@code (epoch, version)}; 0 for conversations counted
 *     before epochs existed
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record Conversation(
        String tenantId,
        String conversationId,
        long messageCount,
        Instant startedAt,
        Instant lastActivity,
        long lastSeenMs,
        long expiryTimer,
        long[] recentIds,
        ConversationContext context,
        long plannedSeq,
        long quietDue,
        long quietTimer,
        long epoch) {

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }

    /** This conversation with other timers and plan. */
    public Conversation withTimers(
            long expiryTimer, long plannedSeq, long quietDue, long quietTimer) {
        return with(lastSeenMs, expiryTimer, plannedSeq, quietDue, quietTimer, epoch);
    }

    /** This conversation last seen at {@code lastSeenMs} (the job's clock). */
    public Conversation withLastSeenMs(long lastSeenMs) {
        return with(lastSeenMs, expiryTimer, plannedSeq, quietDue, quietTimer, epoch);
    }

    /** This conversation in another life. */
    public Conversation withEpoch(long epoch) {
        return with(lastSeenMs, expiryTimer, plannedSeq, quietDue, quietTimer, epoch);
    }

    private Conversation with(
            long lastSeenMs,
            long expiryTimer,
            long plannedSeq,
            long quietDue,
            long quietTimer,
            long epoch) {
        return new Conversation(
                tenantId,
                conversationId,
                messageCount,
                startedAt,
                lastActivity,
                lastSeenMs,
                expiryTimer,
                recentIds,
                context,
                plannedSeq,
                quietDue,
                quietTimer,
                epoch);
    }

    /**
     * Format 3: the fields in order, the context inline with its response times; format 2 lacks the
     * response times, format 1 also the epoch (read as 0).
     */
    public static final class Serializer extends ImmutableSerializer<Conversation> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 3;
        }

        @Override
        protected void write(Conversation c, DataOutputView out) throws IOException {
            Serde.string(out, c.tenantId());
            Serde.string(out, c.conversationId());
            out.writeLong(c.messageCount());
            Serde.instant(out, c.startedAt());
            Serde.instant(out, c.lastActivity());
            out.writeLong(c.lastSeenMs());
            out.writeLong(c.expiryTimer());
            ConversationContext.longs(out, c.recentIds());
            ConversationContext.write(out, c.context());
            out.writeLong(c.plannedSeq());
            out.writeLong(c.quietDue());
            out.writeLong(c.quietTimer());
            out.writeLong(c.epoch());
        }

        @Override
        protected Conversation read(int format, DataInputView in) throws IOException {
            return new Conversation(
                    Serde.string(in),
                    Serde.string(in),
                    in.readLong(),
                    Serde.instant(in),
                    Serde.instant(in),
                    in.readLong(),
                    in.readLong(),
                    ConversationContext.longs(in),
                    ConversationContext.read(in, format >= 3),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    format >= 2 ? in.readLong() : 0);
        }
    }
}
