package io.signalstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Instants read by their digits are the instants the java.time module reads, errors included. */
class IsoInstantsTest {

    private final ObjectMapper mapper = Json.newMapper();

    /** The java.time module alone, as the shared mapper was before. */
    private final ObjectMapper plain =
            JsonMapper.builder()
                    .addModule(new JavaTimeModule())
                    .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                    .build();

    @Test
    void instantsAsTheyAreWrittenAreReadByTheirDigits() throws Exception {
        Random random = new Random(42);
        long lowest = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long highest = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long second = lowest + (long) (random.nextDouble() * (highest - lowest));
            int digits = random.nextInt(10); // 0 to 9 fraction digits
            int nanos = 0;
            for (int d = 0; d < 9; d++) {
                nanos = nanos * 10 + (d < digits ? random.nextInt(10) : 0);
            }
            Instant expected = Instant.ofEpochSecond(second, nanos);
            String text = expected.toString();
            if (digits > 0 && nanos % 1_000_000 != 0 && random.nextBoolean()) {
                // a width other than 3, 6 or 9, as some clients write it
                String whole = text.substring(0, 19);
                text = whole + "." + String.format("%09d", nanos).substring(0, digits) + "Z";
            }
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
            assertThat(IsoInstants.text(expected)).isEqualTo(expected.toString());
            assertThat(mapper.readValue('"' + text + '"', Instant.class)).isEqualTo(expected);
        }
        assertThat(IsoInstants.parse("2024-02-29T23:59:59.999999999Z"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59.999999999Z"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-0001-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.000001Z"
            })
    void instantsAreWrittenAsToStringWritesThem(String text) {
        Instant instant = Instant.parse(text);
        assertThat(IsoInstants.text(instant)).isEqualTo(instant.toString());
        assertThat(IsoInstants.text(Instant.MIN)).isEqualTo(Instant.MIN.toString());
        assertThat(IsoInstants.text(Instant.MAX)).isEqualTo(Instant.MAX.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"2026-01-15T10:00:00+02:00\"",
                "\"2026-01-15t10:00:00z\"",
                "\"2026-12-31T23:59:60Z\"",
                "\" 2026-01-15T10:00:00Z \"",
                "1767000000",
                "1767000000.5",
                "\"1767000000\"",
                "\"2026-02-29T00:00:00Z\"",
                "\"2026-13-01T00:00:00Z\"",
                "\"2026-01-15T24:00:00Z\"",
                "\"2026-01-15T10:00:00.Z\"",
                "\"2026-01-15T10:00:00.1234567891Z\"",
                "\"2026-01-15 10:00:00Z\"",
                "\"2026-1-15T10:00:00.00Z\"",
                "\"\"",
                "null"
            })
    void everythingElseIsReadAsTheJavaTimeModuleReadsIt(String json) {
        assertThat(outcome(mapper, json)).isEqualTo(outcome(plain, json));
        if (json.startsWith("\"")) {
            assertThat(IsoInstants.parse(json.substring(1, json.length() - 1))).isNull();
        }
    }

    private static String outcome(ObjectMapper m, String json) {
        try {
            return String.valueOf(m.readValue(json, Instant.class));
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void theSharedMapperReadsInstantsByTheirDigits() throws Exception {
        DefaultDeserializationContext context =
                ((DefaultDeserializationContext) mapper.getDeserializationContext())
                        .createInstance(mapper.getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(mapper.constructType(Instant.class)))
                .isInstanceOf(DelegatingDeserializer.class)
                .extracting(d -> ((DelegatingDeserializer) d).getDelegatee())
                .isInstanceOf(InstantDeserializer.class);
    }

    @Test
    void aMessageReadsItsTimestampByItsDigits() throws Exception {
        SupportMessage m =
                mapper.readValue(
                        "{\"message_id\":\"m1\",\"conversation_id\":\"c1\",\"tenant_id\":\"t\","
                                + "\"sender\":\"customer\",\"message\":\"hi\",\"channel\":\"chat\","
                                + "\"timestamp\":\"2026-01-15T10:00:00.5Z\"}",
                        SupportMessage.class);
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-01-15T10:00:00.500Z"));
    }
}
