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
    public static final String ANALYSIS = "analysis-v4";

    /** The running summary alone, for messages no analysis covered. */
    public static final String SUMMARY = "summary-v4";

    /** Personal data the local detector missed, in redacted text ({@code GEMINI_PII}). */
    public static final String PII = "pii-v1";

    /**
     * With {@code GEMINI_MODEL_FAST}: sentiment and insights of a customer message, on the fast
     * model ({@link #ANALYSIS}'s instruction with its own addendum and schema).
     */
    public static final String SIGNALS = "signals-v1";

    /** With {@code GEMINI_MODEL_FAST}: the summary and the reply, on the stronger model. */
    public static final String WRITEUP = "writeup-v2";

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

    /**
     * A part of {@code base}: its instruction followed by the part's own ({@code <version>.txt}),
     * answered in the part's schema ({@code <version>.schema.json}).
     */
    public static Prompt part(Prompt base, String version) {
        Prompt own = load(version);
        return new Prompt(
                version, base.instruction() + "\n\n" + own.instruction(), own.responseSchema());
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
