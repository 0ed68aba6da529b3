package io.signalstream.model;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one ObjectMapper configuration shared by the job and the API: snake_case, ISO-8601 instants.
 */
public final class Json {

    private Json() {}

    /**
     * A new mapper. Callers keep one per component (a mapper is thread-safe once configured); this
     * is a factory rather than a singleton so Flink functions can build theirs in {@code open()}.
     */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                // after the java.time module: the common instants read by their digits
                .addModule(IsoInstants.module())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                // Producers may add fields before consumers learn them; old readers must keep
                // working.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // Characters beyond the Basic Multilingual Plane (emoji) as their four UTF-8 bytes,
                // not as two six-byte escapes: a record stays within four bytes per character.
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
    }
}
