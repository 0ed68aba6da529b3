package io.signalstream.job.records;

import io.signalstream.model.Sender;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A conversation's response times, folded one message at a time from the messages' own timestamps
 * (epoch milliseconds). A customer waits from their first message after the last agent message (or
 * the start) until the next agent message; system messages neither start nor end a wait. A message
 * dated before the wait it would end counts as answering at once (0 ms).
 *
 * @param startedAtMs the earliest message
 * @param lastMessageAtMs the newest message
 * @param previousMessageAtMs the newest message before the latest one; 0 for the first message
 * @param waitingSinceMs when the customer's unanswered wait began; 0 when nobody waits
 * @param firstResponseMs the first wait an agent ended; -1 before one
 * @param latestResponseMs the wait the latest message ended; -1 when it ended none
 * @param responses how many waits an agent ended
 * @param responseTotalMs the sum of their lengths
 * @param customerTurns how many waits the customer began
 * @param customerMessages messages from the customer
 */
public record ResponseTimes(
        long startedAtMs,
        long lastMessageAtMs,
        long previousMessageAtMs,
        long waitingSinceMs,
        long firstResponseMs,
        long latestResponseMs,
        long responses,
        long responseTotalMs,
        long customerTurns,
        long customerMessages) {

    /** Before any message. */
    public static final ResponseTimes NONE = new ResponseTimes(0, 0, 0, 0, -1, -1, 0, 0, 0, 0);

    /** After a message from {@code sender} written at {@code atMs}. */
    public ResponseTimes next(Sender sender, long atMs) {
        boolean first = customerMessages == 0 && lastMessageAtMs == 0 && startedAtMs == 0;
        long started = first ? atMs : Math.min(startedAtMs, atMs);
        long last = first ? atMs : Math.max(lastMessageAtMs, atMs);
        long previous = first ? 0 : lastMessageAtMs;
        if (sender == Sender.CUSTOMER) {
            boolean begins = waitingSinceMs == 0;
            return new ResponseTimes(
                    started,
                    last,
                    previous,
                    begins ? atMs : waitingSinceMs,
                    firstResponseMs,
                    -1,
                    responses,
                    responseTotalMs,
                    customerTurns + (begins ? 1 : 0),
                    customerMessages + 1);
        }
        if (sender == Sender.AGENT && waitingSinceMs != 0) {
            long waited = Math.max(0, atMs - waitingSinceMs);
            return new ResponseTimes(
                    started,
                    last,
                    previous,
                    0,
                    firstResponseMs < 0 ? waited : firstResponseMs,
                    waited,
                    responses + 1,
                    responseTotalMs + waited,
                    customerTurns,
                    customerMessages);
        }
        return new ResponseTimes(
                started,
                last,
                previous,
                waitingSinceMs,
                firstResponseMs,
                -1,
                responses,
                responseTotalMs,
                customerTurns,
                customerMessages);
    }

    /** The mean response time; -1 before the first response. */
    public long averageResponseMs() {
        return responses == 0 ? -1 : responseTotalMs / responses;
    }

    static void write(DataOutputView out, ResponseTimes t) throws IOException {
        out.writeLong(t.startedAtMs);
        out.writeLong(t.lastMessageAtMs);
        out.writeLong(t.previousMessageAtMs);
        out.writeLong(t.waitingSinceMs);
        out.writeLong(t.firstResponseMs);
        out.writeLong(t.latestResponseMs);
        out.writeLong(t.responses);
        out.writeLong(t.responseTotalMs);
        out.writeLong(t.customerTurns);
        out.writeLong(t.customerMessages);
    }

    static ResponseTimes read(DataInputView in) throws IOException {
        return new ResponseTimes(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong());
    }
}
