package io.signalstream.job.records;

import io.signalstream.model.Intent;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentPoint;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the local agents need to know of a conversation's earlier messages, folded one message at a
 * time from their {@link MessageSignals}: bounded in size whatever the conversation's length, so
 * the work per message is the same for the first message and the thousandth.
 *
 * @param sentimentSum the customer messages' sentiment, each older one weighted 0.6 times the next
 * @param sentimentWeight the sum of those weights
 * @param latestCustomer the signals of the newest customer message; null before the first
 * @param latestCustomerLine its text, clipped
 * @param cues sentiment cues of the newest customer messages, newest first
 * @param intent the newest specific intent a customer message stated ({@code general_inquiry} when
 *     none did)
 * @param reasonSeq per escalation reason, the seq of the newest customer message stating it (0:
 *     none)
 * @param urgentSeq the seq of the newest customer message asking for urgency (0: none)
 * @param topicSeq per topic cue, the seq of the newest customer message naming it (0: none)
 * @param piiSeq the seq of the newest message with personal data (0: none)
 * @param firstCustomerSeq the seq of the first customer message (0: none yet)
 * @param firstCustomerLine the first customer message, clipped; null before it
 * @param firstCustomerIntent the intent the first customer message stated
 * @param keyPoints the newest lines as {@code "sender: text"}, oldest first
 * @param lastSender who wrote the newest message
 * @param lastResolved whether the newest message says the problem is solved
 * @param trend the sentiment after each customer message, oldest first
 * @param entities the personal data found in the conversation, newest kept
 * @param times the conversation's response times (folded by the conversation operator, whatever the
 *     provider)
 */
public record ConversationContext(
        double sentimentSum,
        double sentimentWeight,
        long latestCustomerSeq,
        MessageSignals latestCustomer,
        String latestCustomerLine,
        List<String> cues,
        Intent intent,
        long[] reasonSeq,
        long urgentSeq,
        long[] topicSeq,
        long piiSeq,
        long firstCustomerSeq,
        String firstCustomerLine,
        Intent firstCustomerIntent,
        List<String> keyPoints,
        Sender lastSender,
        boolean lastResolved,
        List<SentimentPoint> trend,
        List<PiiEntity> entities,
        ResponseTimes times) {

    /** Reads contexts written before response times as having none yet. */
    public ConversationContext {
        times = times == null ? ResponseTimes.NONE : times;
    }

    /** This context with other response times. */
    public ConversationContext withTimes(ResponseTimes next) {
        return new ConversationContext(
                sentimentSum,
                sentimentWeight,
                latestCustomerSeq,
                latestCustomer,
                latestCustomerLine,
                cues,
                intent,
                reasonSeq,
                urgentSeq,
                topicSeq,
                piiSeq,
                firstCustomerSeq,
                firstCustomerLine,
                firstCustomerIntent,
                keyPoints,
                lastSender,
                lastResolved,
                trend,
                entities,
                next);
    }

    static void write(DataOutputView out, ConversationContext c) throws IOException {
        out.writeDouble(c.sentimentSum);
        out.writeDouble(c.sentimentWeight);
        out.writeLong(c.latestCustomerSeq);
        if (Serde.present(out, c.latestCustomer)) {
            MessageSignals.write(out, c.latestCustomer);
        }
        Serde.string(out, c.latestCustomerLine);
        Serde.strings(out, c.cues);
        Serde.enumValue(out, c.intent);
        longs(out, c.reasonSeq);
        out.writeLong(c.urgentSeq);
        longs(out, c.topicSeq);
        out.writeLong(c.piiSeq);
        out.writeLong(c.firstCustomerSeq);
        Serde.string(out, c.firstCustomerLine);
        Serde.enumValue(out, c.firstCustomerIntent);
        Serde.strings(out, c.keyPoints);
        Serde.enumValue(out, c.lastSender);
        out.writeBoolean(c.lastResolved);
        Serde.list(out, c.trend, Serde::point);
        Serde.list(out, c.entities, Serde::piiEntity);
        ResponseTimes.write(out, c.times);
    }

    /**
     * @param withTimes whether the container's format holds response times (written after them)
     */
    static ConversationContext read(DataInputView in, boolean withTimes) throws IOException {
        return new ConversationContext(
                in.readDouble(),
                in.readDouble(),
                in.readLong(),
                in.readBoolean() ? MessageSignals.read(in) : null,
                Serde.string(in),
                Serde.strings(in),
                Serde.enumValue(in, Intent.values()),
                longs(in),
                in.readLong(),
                longs(in),
                in.readLong(),
                in.readLong(),
                Serde.string(in),
                Serde.enumValue(in, Intent.values()),
                Serde.strings(in),
                Serde.enumValue(in, Sender.values()),
                in.readBoolean(),
                Serde.list(in, Serde::point),
                Serde.list(in, Serde::piiEntity),
                withTimes ? ResponseTimes.read(in) : ResponseTimes.NONE);
    }

    static void longs(DataOutputView out, long[] values) throws IOException {
        out.writeShort(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    static long[] longs(DataInputView in) throws IOException {
        long[] values = new long[in.readUnsignedShort()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }
}
