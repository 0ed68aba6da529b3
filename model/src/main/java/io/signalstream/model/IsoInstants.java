package io.signalstream.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants every message and record carries, written as {@link Instant#toString} writes
 * them ({@code 2026-01-15T10:00:00Z}, {@code 2026-01-15T10:00:00.123Z}), by their digits: the
 * java.time module's reader goes through a {@code DateTimeFormatter} for each, a tenth of the time
 * the job spends reading a message. Anything else (other offsets, lower case, numbers, fields out
 * of range, dates that do not exist) goes to that reader as before, with its answers and errors.
 * {@link #text} writes them the same way, without the formatter.
 */
public final class IsoInstants {

    private IsoInstants() {}

    /**
     * A module that puts the digit reader in front of the java.time module's for {@link Instant}.
     */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("iso-instants");
        module.setDeserializerModifier(
                new BeanDeserializerModifier() {
                    @Override
                    public JsonDeserializer<?> modifyDeserializer(
                            DeserializationConfig config,
                            BeanDescription description,
                            JsonDeserializer<?> deserializer) {
                        return description.getBeanClass() == Instant.class
                                ? new Reader(deserializer)
                                : deserializer;
                    }
                });
        return module;
    }

    /** The digit reader, the given one behind it. */
    private static final class Reader extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        Reader(JsonDeserializer<?> behind) {
            super(behind);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> behind) {
            return new Reader(behind);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                Instant instant = parse(p.getText());
                if (instant != null) {
                    return instant;
                }
            }
            return super.deserialize(p, ctxt);
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (one to nine fraction digits) as the instant it names, the
     * same as {@link Instant#parse}; null for any other text.
     */
    static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || n == 21 || s.charAt(n - 1) != 'Z') {
            return null;
        }
        if (s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.') {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | minute | second) < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour > 23
                || minute > 59
                || second > 59) {
            return null;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
    }

    /**
     * {@code instant} as {@link Instant#toString} writes it (fraction digits in groups of three, as
     * many as needed), by its digits for the years 0 to 9999 and by {@code toString} for others.
     */
    public static String text(Instant instant) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400);
        if (days < FIRST_DAY || days > LAST_DAY) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(days);
        int time = (int) Math.floorMod(seconds, 86_400);
        int nanos = instant.getNano();
        char[] out = new char[30];
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, time / 3_600, 2);
        out[13] = ':';
        put(out, 14, time / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, time % 60, 2);
        int n = 19;
        if (nanos > 0) {
            out[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(out, n, nanos / 1_000_000, 3);
                n += 3;
            } else if (nanos % 1_000 == 0) {
                put(out, n, nanos / 1_000, 6);
                n += 6;
            } else {
                put(out, n, nanos, 9);
                n += 9;
            }
        }
        out[n++] = 'Z';
        return new String(out, 0, n);
    }

    private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    /** {@code value} as {@code width} decimal digits from {@code at}. */
    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * The number the ASCII digits of {@code s} from {@code from} to {@code to} make; -1 if any is
     * not one.
     */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
