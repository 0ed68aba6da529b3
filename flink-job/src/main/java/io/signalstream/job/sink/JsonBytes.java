package io.signalstream.job.sink;

import java.util.Arrays;

/**
 * A JSON text put together in one growing byte array: names and values that are already encoded
 * (bytes ready to copy), numbers, and the commas between them. It checks nothing: {@link
 * RecordJson} decides what is written, and a test compares the result with the model's mapper.
 * Reset, not replaced, per record: it keeps the size of the largest. Not thread-safe.
 */
final class JsonBytes {

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes();

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

    /** A name of characters written as they are. */
    void plainName(byte[] latin1) {
        plainString(latin1);
        put(':');
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

    /** A string of characters written as they are, between quotes. */
    void plainString(byte[] latin1) {
        separate();
        ensure(latin1.length + 2);
        buffer[length++] = '"';
        System.arraycopy(latin1, 0, buffer, length, latin1.length);
        length += latin1.length;
        buffer[length++] = '"';
        comma = true;
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
