package io.signalstream.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.time.Instant;

/**
 * The envelope of one agent's result on {@code support.ai.<agent>}. The {@code agent} field names
 * the type of {@code result}; nothing guesses it from the result's shape.
 *
 * @param seq the conversation's {@code message_count} this result reflects
 * @param messageId the message that triggered it
 * @param usage tokens, prompt version and fallback of a model's result; null for local results
 */
@JsonDeserialize(using = AgentResult.Deserializer.class)
public record AgentResult(
        String tenantId,
        String conversationId,
        AgentKind agent,
        long seq,
        String messageId,
        String provider,
        String model,
        long latencyMs,
        Instant producedAt,
        AgentOutput result,
        LlmUsage usage) {

    /** A result no language model was involved in. */
    public AgentResult(
            String tenantId,
            String conversationId,
            AgentKind agent,
            long seq,
            String messageId,
            String provider,
            String model,
            long latencyMs,
            Instant producedAt,
            AgentOutput result) {
        this(
                tenantId,
                conversationId,
                agent,
                seq,
                messageId,
                provider,
                model,
                latencyMs,
                producedAt,
                result,
                null);
    }

    public AgentResult {
        if (agent != null && result != null && !agent.resultType().isInstance(result)) {
            throw new IllegalArgumentException(
                    "agent "
                            + agent.wireName()
                            + " cannot carry a "
                            + result.getClass().getSimpleName());
        }
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }

    /** Reads {@code result} as the type its {@code agent} names. */
    static final class Deserializer extends StdDeserializer<AgentResult> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(AgentResult.class);
        }

        @Override
        public AgentResult deserialize(JsonParser parser, DeserializationContext ctx)
                throws IOException {
            JsonNode node = parser.readValueAsTree();
            JsonNode agentNode = node.get("agent");
            if (agentNode == null || !agentNode.isTextual()) {
                return ctx.reportInputMismatch(AgentResult.class, "agent is required");
            }
            AgentKind agent;
            try {
                agent = AgentKind.fromWire(agentNode.asText());
            } catch (IllegalArgumentException e) {
                return ctx.reportInputMismatch(AgentResult.class, "agent " + e.getMessage());
            }
            JsonNode resultNode = node.get("result");
            AgentOutput result =
                    resultNode == null || resultNode.isNull()
                            ? null
                            : ctx.readTreeAsValue(resultNode, agent.resultType());
            return new AgentResult(
                    text(node, "tenant_id"),
                    text(node, "conversation_id"),
                    agent,
                    node.path("seq").asLong(),
                    text(node, "message_id"),
                    text(node, "provider"),
                    text(node, "model"),
                    node.path("latency_ms").asLong(),
                    node.hasNonNull("produced_at")
                            ? ctx.readTreeAsValue(node.get("produced_at"), Instant.class)
                            : null,
                    result,
                    node.hasNonNull("usage")
                            ? ctx.readTreeAsValue(node.get("usage"), LlmUsage.class)
                            : null);
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }
}
