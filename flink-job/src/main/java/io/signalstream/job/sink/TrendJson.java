package io.signalstream.job.sink;

import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.SentimentPoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON of a sentiment trend, {@code [{"seq":1,"score":-0.25},…]}, put together byte by byte
 * (numbers only, nothing to escape). A customer's message makes a new trend: the one before it plus
 * one point, less the oldest when full. So the trend written last for the point before the newest
 * is kept (direct-mapped by that point's identity, {@link #SLOTS} at most), and the new one is that
 * text with a point added (and the first dropped), once every other point is found to be the very
 * same object. Not thread-safe: one per writer.
 */
final class TrendJson {

    /** Trends kept, by their newest point: a power of two. */
    static final int SLOTS = 4096;

    private static final byte[] SEQ = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCORE = ",\"score\":".getBytes(StandardCharsets.US_ASCII);

    /** The most a point takes: the two names, 20 digits of seq, 11 of score, 4 more. */
    private static final int POINT_BYTES = 7 + 9 + 20 + 11 + 4;

    @SuppressWarnings("unchecked")
    private final List<SentimentPoint>[] trends = new List[SLOTS];

    private final byte[][] texts = new byte[SLOTS][];

    /** Where a trend is put together, as large as the longest so far. */
    private byte[] scratch = new byte[2 + AggregatedIntelligence.MAX_TREND_POINTS * POINT_BYTES];

    private int length;

    /** The JSON of {@code trend}; null if a score has more than three decimals. */
    byte[] json(List<SentimentPoint> trend) {
        byte[] json = extended(trend);
        if (json == null) {
            json = whole(trend);
        }
        if (json != null && !trend.isEmpty() && EncodedLists.cannotChange(trend)) {
            int slot = slot(trend.get(trend.size() - 1));
            trends[slot] = trend;
            texts[slot] = json;
        }
        return json;
    }

    /**
     * The trend as the kept one before it plus its newest point; null when none fits. The points
     * kept are not read again (a trend's points lie apart on the heap: reading them is what costs).
     */
    private byte[] extended(List<SentimentPoint> trend) {
        int k = trend.size();
        if (k < 2 || RecordJson.decimal(trend.get(k - 1).score()) == null) {
            return null;
        }
        int slot = slot(trend.get(k - 2));
        List<SentimentPoint> before = trends[slot];
        if (before == null || before.get(before.size() - 1) != trend.get(k - 2)) {
            return null;
        }
        byte[] text = texts[slot];
        int from; // where the points kept start in text
        if (before.size() == k - 1 && same(before, 0, trend, k - 1)) {
            from = 1; // after '['
        } else if (before.size() == k && same(before, 1, trend, k - 1)) {
            from = firstPointEnd(text) + 2; // after "},"
        } else {
            return null;
        }
        length = 0;
        ensure(text.length + POINT_BYTES + 2);
        scratch[length++] = '[';
        int kept = text.length - 1 - from; // without the closing ']'
        System.arraycopy(text, from, scratch, length, kept);
        length += kept;
        scratch[length++] = ',';
        point(trend.get(k - 1));
        scratch[length++] = ']';
        return Arrays.copyOf(scratch, length);
    }

    /**
     * Whether {@code before} from {@code offset} holds the very points of {@code trend}'s first n.
     */
    private static boolean same(
            List<SentimentPoint> before, int offset, List<SentimentPoint> trend, int n) {
        for (int i = 0; i < n; i++) {
            if (before.get(offset + i) != trend.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static int firstPointEnd(byte[] text) {
        int i = 0;
        while (text[i] != '}') {
            i++;
        }
        return i;
    }

    /** The trend point by point; null if a score has more than three decimals. */
    private byte[] whole(List<SentimentPoint> trend) {
        length = 0;
        ensure(2 + trend.size() * POINT_BYTES);
        scratch[length++] = '[';
        for (int i = 0; i < trend.size(); i++) {
            if (RecordJson.decimal(trend.get(i).score()) == null) {
                return null;
            }
            if (i > 0) {
                scratch[length++] = ',';
            }
            point(trend.get(i));
        }
        scratch[length++] = ']';
        return Arrays.copyOf(scratch, length);
    }

    private void point(SentimentPoint p) {
        put(SEQ);
        put(Long.toString(p.seq()));
        put(SCORE);
        put(RecordJson.decimal(p.score()));
        scratch[length++] = '}';
    }

    private void ensure(int bytes) {
        if (scratch.length < bytes) {
            scratch = Arrays.copyOf(scratch, bytes);
        }
    }

    private void put(String ascii) {
        for (int k = 0; k < ascii.length(); k++) {
            scratch[length++] = (byte) ascii.charAt(k);
        }
    }

    private void put(byte[] ascii) {
        System.arraycopy(ascii, 0, scratch, length, ascii.length);
        length += ascii.length;
    }

    private static int slot(SentimentPoint point) {
        return EncodedLists.slot(point, SLOTS - 1);
    }
}
