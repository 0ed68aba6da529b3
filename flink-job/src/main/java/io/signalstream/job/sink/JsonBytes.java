package io.signalstream.job.sink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON text put together in one growing byte array: names and values that are already encoded
 * (bytes ready to copy), strings of printable ASCII, numbers, and the commas between them. A string
 * with any other character is refused, and {@link RecordJson} has the model's mapper write it; a
 * test compares every record with the mapper's output byte for byte. Reset, not replaced, per
 * record: it keeps the size of the largest. Not thread-safe.
 */
final class JsonBytes {

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes();

    /**
     * How JSON writes each ASCII character in a string, as the model's mapper does: {@code 0} as it
     * is, {@code '"'} or {@code '\\'} after a backslash, {@code -1} not here (a control character
     * or DEL, left to the mapper's escapes).
     */
    private static final byte[] ASCII = new byte[128];

    static {
        Arrays.fill(ASCII, (byte) -1);
        for (int c = 0x20; c < 0x7f; c++) {
            ASCII[c] = c == '"' || c == '\\' ? (byte) c : 0;
        }
    }

    /** Eight bytes of a string at a time: a word is checked, and copied, as a whole. */
    private static final VarHandle WORDS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private byte[] buffer = new byte[8192];
    private int length;

    /** A value was written at this level: the next one is preceded by a comma. */
    private boolean comma;

    void reset() {
        length = 0;
        comma = false;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    void startObject() {
        separate();
        put('{');
        comma = false;
    }

    void endObject() {
        put('}');
        comma = true;
    }

    void startArray() {
        separate();
        put('[');
        comma = false;
    }

    void endArray() {
        put(']');
        comma = true;
    }

    /** A name and its colon, {@code "name":}, encoded: the value follows without a comma. */
    void name(byte[] encoded) {
        separate();
        put(encoded);
        comma = false;
    }

    /** A name already quoted and escaped. */
    void quotedName(byte[] quoted) {
        separate();
        put(quoted);
        put(':');
        comma = false;
    }

    /** A value already encoded: a number's text, a quoted string, a list. */
    void value(byte[] encoded) {
        separate();
        put(encoded);
        comma = true;
    }

    /**
     * {@code value} between quotes if it is printable ASCII, a quote or a backslash escaped;
     * otherwise writes nothing and returns false (the text is left to the mapper).
     */
    boolean string(String value) {
        int start = length;
        separate();
        ensure(2 * value.length() + 2);
        int end = quoted(value, buffer, length);
        if (end < 0) {
            length = start;
            return false;
        }
        length = end;
        comma = true;
        return true;
    }

    /** A name written as {@link #string(String)} writes a value, and its colon. */
    boolean stringName(String name) {
        if (!string(name)) {
            return false;
        }
        put(':');
        comma = false;
        return true;
    }

    /** {@code value} quoted as {@link #string(String)} writes it, or null if it is not here. */
    static byte[] quoted(String value) {
        byte[] into = new byte[2 * value.length() + 2];
        int end = quoted(value, into, 0);
        return end < 0 ? null : Arrays.copyOf(into, end);
    }

    /**
     * Writes {@code value} quoted into {@code into} from {@code at}, which has room for twice its
     * length and the quotes; returns where it ends, or -1 at a character that is not printable
     * ASCII. Its Latin-1 bytes are checked eight at a time: a word with nothing to escape is copied
     * as a whole, else one byte is written and the next word starts after it.
     */
    private static int quoted(String value, byte[] into, int at) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        int n = bytes.length;
        into[at++] = '"';
        for (int i = 0; i < n; ) {
            if (i + Long.BYTES <= n) {
                long word = (long) WORDS.get(bytes, i);
                if (!maybeSpecial(word)) {
                    WORDS.set(into, at, word);
                    at += Long.BYTES;
                    i += Long.BYTES;
                    continue;
                }
            }
            at = quoted(value, bytes, i++, into, at);
            if (at < 0) {
                return -1;
            }
        }
        into[at++] = '"';
        return at;
    }

    /**
     * Writes the {@code i}-th char of {@code value}, its Latin-1 byte {@code bytes[i]}, at {@code
     * at}; returns where it ends, or -1 if it is not printable ASCII (a {@code ?} byte also stands
     * for a char Latin-1 cannot encode).
     */
    private static int quoted(String value, byte[] bytes, int i, byte[] into, int at) {
        byte c = bytes[i];
        if (c < 0) {
            return -1;
        }
        byte how = ASCII[c];
        if (how < 0 || c == '?' && value.charAt(i) != '?') {
            return -1;
        }
        if (how != 0) {
            into[at++] = '\\';
        }
        into[at] = c;
        return at + 1;
    }

    /**
     * Whether any of the eight bytes in {@code word} may need more than a copy: one of 0x80 and
     * above, below 0x20, 0x7f, a quote, a backslash or a {@code ?} (bit tricks that find a byte
     * below a bound or equal to a value in every byte at once, without false negatives).
     */
    private static boolean maybeSpecial(long word) {
        return ((word
                                | below(word, 0x20)
                                | zero(word ^ (0x7f * ONES))
                                | zero(word ^ ('"' * ONES))
                                | zero(word ^ ('\\' * ONES))
                                | zero(word ^ ('?' * ONES)))
                        & HIGHS)
                != 0;
    }

    /** The high bit set in each byte below {@code bound} (for bytes below 0x80). */
    private static long below(long word, int bound) {
        return (word - bound * ONES) & ~word;
    }

    /** The high bit set in each zero byte (and possibly in bytes beside a zero one). */
    private static long zero(long word) {
        return (word - ONES) & ~word;
    }

    void nullValue() {
        value(NULL);
    }

    void bool(boolean b) {
        value(b ? TRUE : FALSE);
    }

    void number(long v) {
        if (v == Long.MIN_VALUE) {
            value(LONG_MIN);
            return;
        }
        separate();
        ensure(20);
        if (v < 0) {
            buffer[length++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long rest = v / 10; rest != 0; rest /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            buffer[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
        comma = true;
    }

    private void separate() {
        if (comma) {
            put(',');
        }
    }

    private void put(char c) {
        ensure(1);
        buffer[length++] = (byte) c;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
