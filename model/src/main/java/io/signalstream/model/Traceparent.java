package io.signalstream.model;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context {@code traceparent} values ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex
 * flags>}): carried from {@code POST /v1/messages} on the raw record's header, through the job, on
 * each model request and on the aggregate's header, so one trace id follows a message from its POST
 * to its aggregate. Each hop names itself with a new span id under the same trace.
 */
public final class Traceparent {

    /** The header (HTTP and Kafka) that carries it. */
    public static final String HEADER = "traceparent";

    /** The form {@link #valid} checks, character by character (it runs for every message). */
    static final Pattern FORMAT =
            Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    private Traceparent() {}

    /** {@code header} when it is a valid version-00 traceparent (lower-cased), else null. */
    public static String valid(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip().toLowerCase(Locale.ROOT);
        return wellFormed(value) ? value : null;
    }

    /** Whether {@code v} matches {@link #FORMAT}. */
    private static boolean wellFormed(String v) {
        return v.length() == 55
                && v.startsWith("00-")
                && v.charAt(35) == '-'
                && v.charAt(52) == '-'
                && hexNotAllZero(v, 3, 35)
                && hexNotAllZero(v, 36, 52)
                && HexFormat.isHexDigit(v.charAt(53))
                && HexFormat.isHexDigit(v.charAt(54));
    }

    /** Lower-case hex digits ({@link #valid} lower-cased the value) that are not all zero. */
    private static boolean hexNotAllZero(String v, int from, int to) {
        boolean zero = true;
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (!HexFormat.isHexDigit(c)) {
                return false;
            }
            zero &= c == '0';
        }
        return !zero;
    }

    /** A new trace, sampled. */
    public static String newTrace() {
        byte[] v = new byte[55];
        v[0] = '0';
        v[1] = '0';
        v[2] = '-';
        hex(v, 3);
        hex(v, 19);
        v[35] = '-';
        hex(v, 36);
        v[52] = '-';
        v[53] = '0';
        v[54] = '1';
        return new String(v, StandardCharsets.ISO_8859_1);
    }

    /**
     * A new span under {@code parent}'s trace (its flags kept), or a new trace when {@code parent}
     * is not a valid traceparent.
     */
    public static String child(String parent) {
        String p = valid(parent);
        if (p == null) {
            return newTrace();
        }
        byte[] v = p.getBytes(StandardCharsets.ISO_8859_1);
        hex(v, 36);
        return new String(v, StandardCharsets.ISO_8859_1);
    }

    /** The trace id of a valid traceparent, else null. */
    public static String traceId(String traceparent) {
        String p = valid(traceparent);
        return p == null ? null : p.substring(3, 35);
    }

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * Sixteen random hex digits, not all zero, into {@code v} from {@code at}: ids as
     * OpenTelemetry's own generator makes them (ThreadLocalRandom: ids must be unique, not secret,
     * and a span id is made for every message and aggregate).
     */
    private static void hex(byte[] v, int at) {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        for (int i = at + 15; i >= at; i--) {
            v[i] = DIGITS[(int) id & 0xf];
            id >>>= 4;
        }
    }
}
