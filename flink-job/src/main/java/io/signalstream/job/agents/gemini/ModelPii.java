package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.config.GeminiSettings;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.Json;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.Tracing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code GEMINI_PII} opt-in: what Gemini finds in an already redacted message (names, street
 * addresses, dates of birth, passport and licence numbers, which patterns cannot find). Only
 * redacted text is sent; offsets of the model's entities are mapped back to the original message
 * through the local placeholders. Calls take their own share of the budget.
 */
final class ModelPii implements AutoCloseable {

    static final Set<String> TYPES =
            Set.of("PERSON", "LOCATION", "DATE_TIME", "US_PASSPORT", "US_DRIVER_LICENSE");
    private static final double MODEL_CONFIDENCE = 0.7;

    /** What the model added to a message: entities (original offsets) and the text redacted. */
    record Found(List<PiiEntity> entities, String redacted) {}

    private final FairRateLimiter limiter;
    private final GeminiTransport transport;
    private final Prompt prompt = Prompt.load(Prompt.PII);
    private final ObjectMapper mapper = Json.newMapper();

    ModelPii(GeminiSettings settings, int maxInFlight, double requestsPerMinute, String thread) {
        this.limiter = FairRateLimiter.start(requestsPerMinute, thread);
        this.transport =
                new GeminiTransport(
                        settings,
                        maxInFlight,
                        settings.requestTimeout(),
                        limiter::pause,
                        Tracing.OFF);
    }

    /** Messages waiting for their turn. */
    int waiting() {
        return limiter.waiting();
    }

    /** Asks the model about one message; fails when the model fails or breaks the schema. */
    CompletableFuture<Found> find(InboundMessage message) {
        CompletableFuture<Found> result = new CompletableFuture<>();
        String redacted = message.text();
        if (redacted.codePoints().noneMatch(Character::isLetter)) {
            result.complete(new Found(List.of(), redacted));
            return result;
        }
        limiter.submit(
                message.tenantId(),
                () ->
                        transport
                                .generate(prompt, "Message:\n" + redacted)
                                .whenComplete(
                                        (answer, error) -> {
                                            try {
                                                if (error != null) {
                                                    throw error;
                                                }
                                                result.complete(
                                                        merge(
                                                                message.pii(),
                                                                redacted,
                                                                entities(answer.text()),
                                                                message.messageId()));
                                            } catch (Throwable e) {
                                                result.completeExceptionally(e);
                                            }
                                        }));
        return result;
    }

    /** The model's entities as (type, text) pairs; throws when the answer breaks the schema. */
    List<String[]> entities(String answer) throws Exception {
        JsonNode root = mapper.readTree(answer);
        JsonNode list = root == null ? null : root.get("entities");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("entities is missing or not a list");
        }
        List<String[]> out = new ArrayList<>();
        for (JsonNode e : list) {
            String type = e.path("type").asText("");
            String text = e.path("text").asText("").strip();
            if (!TYPES.contains(type)) {
                throw new IllegalArgumentException("entity type '" + type + "' is not allowed");
            }
            if (!text.isEmpty()) {
                out.add(new String[] {type, text});
            }
        }
        return out;
    }

    /**
     * The model's entities that really occur in the redacted message (not inside a placeholder),
     * with offsets in the original message, and the text redacted further.
     *
     * @param local the entities the local detector found, offsets in the original message
     */
    static Found merge(
            List<PiiEntity> local, String redacted, List<String[]> found, String messageId) {
        List<PiiEntity> entities = new ArrayList<>();
        String text = redacted;
        List<PiiEntity> placeholders = new ArrayList<>(local);
        placeholders.sort(Comparator.comparingInt(PiiEntity::start));
        for (String[] e : found) {
            String type = e[0];
            String value = e[1];
            int at = redacted.indexOf(value);
            if (at < 0 || value.contains("<") || value.contains(">")) {
                continue;
            }
            int start = originalOffset(placeholders, at);
            entities.add(
                    new PiiEntity(
                            type,
                            start,
                            start + value.length(),
                            mask(value),
                            MODEL_CONFIDENCE,
                            messageId));
            text = text.replace(value, "<" + type + ">");
        }
        return new Found(List.copyOf(entities), text);
    }

    /**
     * Maps an offset in the redacted text back to the original, through the placeholders before it.
     */
    static int originalOffset(List<PiiEntity> placeholdersByStart, int redactedOffset) {
        int shift = 0;
        for (PiiEntity p : placeholdersByStart) {
            int placeholderStart = p.start() - shift;
            if (placeholderStart >= redactedOffset) {
                break;
            }
            int placeholderLength = p.type().length() + 2;
            shift += (p.end() - p.start()) - placeholderLength;
        }
        return redactedOffset + shift;
    }

    static String mask(String value) {
        return value.charAt(0) + "*".repeat(Math.min(8, value.length() - 1));
    }

    @Override
    public void close() {
        limiter.close();
        transport.close();
    }
}
