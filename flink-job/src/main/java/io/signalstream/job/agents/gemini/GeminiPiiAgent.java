package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.JobConfig;
import io.signalstream.job.agents.Agent;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.Json;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code GEMINI_PII} opt-in: the local detector's result, plus what Gemini finds in the already
 * redacted message (names, street addresses, dates of birth, passport and licence numbers, which
 * patterns cannot find). Only redacted text is sent. Offsets of the model's entities are mapped
 * back to the original message through the local placeholders. If the model fails or answers
 * outside the schema, the local result stands, reported as {@code local-fallback}.
 */
public final class GeminiPiiAgent implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(GeminiPiiAgent.class);
    static final Set<String> TYPES =
            Set.of("PERSON", "LOCATION", "DATE_TIME", "US_PASSPORT", "US_DRIVER_LICENSE");
    private static final double MODEL_CONFIDENCE = 0.7;

    private final JobConfig config;
    private final FairRateLimiter limiter;
    private final GeminiTransport transport;
    private final Prompt prompt = Prompt.load(Prompt.PII);
    private final ObjectMapper mapper = Json.newMapper();

    /** Results the local detector gave alone because the model did not answer usefully. */
    private final Set<AgentOutput> fallbacks = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param requestsPerMinute this subtask's share of the budget for PII requests
     */
    public GeminiPiiAgent(JobConfig config, double requestsPerMinute, String threadName) {
        this.config = config;
        this.limiter = FairRateLimiter.start(requestsPerMinute, threadName);
        this.transport =
                new GeminiTransport(
                        config.gemini(),
                        config.agentCapacity(),
                        config.gemini().requestTimeout(),
                        retryAfter -> {
                            if (retryAfter != null) {
                                limiter.pause(retryAfter);
                            }
                        });
    }

    @Override
    public AgentKind kind() {
        return AgentKind.PII;
    }

    @Override
    public String provider() {
        return GeminiCallFunction.PROVIDER;
    }

    @Override
    public synchronized String provider(AgentOutput output) {
        return fallbacks.remove(output) ? GeminiCallFunction.FALLBACK_PROVIDER : provider();
    }

    @Override
    public String model() {
        return config.gemini().model();
    }

    @Override
    public CompletableFuture<AgentOutput> analyze(ConversationUpdate update) {
        PiiResult local = update.pii();
        String redacted = update.message().message();
        CompletableFuture<AgentOutput> result = new CompletableFuture<>();
        if (redacted == null || redacted.codePoints().noneMatch(Character::isLetter)) {
            result.complete(local);
            return result;
        }
        limiter.submit(
                update.state().tenantId(),
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
                                                                local,
                                                                redacted,
                                                                entities(answer.text()),
                                                                update.message().messageId()));
                                            } catch (Throwable e) {
                                                LOG.debug(
                                                        "PII by the model failed: {}",
                                                        e.toString());
                                                markFallback(local);
                                                result.complete(local);
                                            }
                                        }));
        return result;
    }

    private synchronized void markFallback(AgentOutput output) {
        fallbacks.add(output);
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
     * The local result plus the model's entities that really occur in the redacted message (not
     * inside a placeholder), with offsets in the original message and the text redacted further.
     */
    static PiiResult merge(
            PiiResult local, String redacted, List<String[]> found, String messageId) {
        List<PiiEntity> entities = new ArrayList<>(local.entities());
        String text = redacted;
        List<PiiEntity> placeholders = new ArrayList<>(local.entities());
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
        return new PiiResult(
                local.hasPii() || entities.size() > local.entities().size(),
                List.copyOf(entities),
                text);
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
