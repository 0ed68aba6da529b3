package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.core.type.TypeReference;
import io.signalstream.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A versioned prompt: the system instruction and the JSON schema of the answer, read from {@code
 * signalstream/prompts/<version>.txt} and {@code <version>.schema.json} on the class path. A change
 * to either gets a new version, and every result carries the version that produced it.
 */
public record Prompt(String version, String instruction, Map<String, Object> responseSchema) {

    /** Sentiment, insights, summary and reply in one answer. */
    public static final String ANALYSIS = "analysis-v3";

    /** The running summary alone, for messages no analysis covered. */
    public static final String SUMMARY = "summary-v3";

    /** Personal data the local detector missed, in redacted text ({@code GEMINI_PII}). */
    public static final String PII = "pii-v1";

    public static Prompt load(String version) {
        String base = "signalstream/prompts/" + version;
        try {
            String instruction = new String(read(base + ".txt"), StandardCharsets.UTF_8).strip();
            Map<String, Object> schema =
                    Json.newMapper()
                            .readValue(read(base + ".schema.json"), new TypeReference<>() {});
            return new Prompt(version, instruction, schema);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt " + version, e);
        }
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = Prompt.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            return in.readAllBytes();
        }
    }
}
