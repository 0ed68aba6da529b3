package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a model's answer into result records and checks it against the contract: every required
 * field, enums by their wire names, numbers in range, bounded text. Anything else is an {@link
 * InvalidAnswer} naming the first problem; nothing is guessed or repaired.
 */
public final class AnswerParser {

    static final int MAX_TEXT = 1000;
    static final int MAX_ITEMS = 5;

    /** The answer does not follow the schema; the message says where. */
    public static final class InvalidAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidAnswer(String message) {
            super(message);
        }
    }

    private final ObjectMapper mapper = Json.newMapper();

    /** The results of {@code agents} from one answer. */
    public Map<AgentKind, AgentOutput> parse(String answer, List<AgentKind> agents)
            throws InvalidAnswer {
        if (answer == null || answer.isBlank()) {
            throw new InvalidAnswer("empty answer");
        }
        JsonNode root;
        try {
            root = mapper.readTree(answer);
        } catch (JsonProcessingException e) {
            throw new InvalidAnswer(
                    "not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAnswer("answer is not a JSON object");
        }
        Map<AgentKind, AgentOutput> results = new EnumMap<>(AgentKind.class);
        for (AgentKind agent : agents) {
            JsonNode node = agents.size() == 1 ? root : object(root, agent.wireName());
            String at = agents.size() == 1 ? "" : agent.wireName() + ".";
            results.put(agent, read(agent, node, at));
        }
        return results;
    }

    private static AgentOutput read(AgentKind agent, JsonNode node, String at)
            throws InvalidAnswer {
        return switch (agent) {
            case SENTIMENT ->
                    new SentimentResult(
                            enumValue(node, at, "sentiment", SentimentLabel::fromWire),
                            number(node, at, "score", -1, 1),
                            number(node, at, "confidence", 0, 1),
                            enumValue(node, at, "emotion", Emotion::fromWire),
                            text(node, at, "reasoning", true));
            case INSIGHTS -> {
                boolean escalate = bool(node, at, "requires_escalation");
                String reason = text(node, at, "escalation_reason", false);
                yield new InsightsResult(
                        enumValue(node, at, "intent", Intent::fromWire),
                        enumValue(node, at, "urgency", Urgency::fromWire),
                        texts(node, at, "suggested_actions"),
                        escalate,
                        escalate && !reason.isEmpty() ? reason : null,
                        texts(node, at, "topics"));
            }
            case SUMMARY ->
                    new SummaryResult(
                            text(node, at, "summary", true),
                            texts(node, at, "key_points"),
                            enumValue(node, at, "resolution_status", ResolutionStatus::fromWire),
                            satisfaction(object(node, "satisfaction"), at + "satisfaction."));
            case REPLY -> new ReplyResult(text(node, at, "suggested_reply", true));
            case PII -> throw new InvalidAnswer("the pii agent is not answered by the model");
        };
    }

    private static SummaryResult.Satisfaction satisfaction(JsonNode node, String at)
            throws InvalidAnswer {
        return new SummaryResult.Satisfaction(
                number(node, at, "csat", 1, 5),
                number(node, at, "confidence", 0, 1),
                enumValue(
                        node,
                        at,
                        "effort",
                        e -> {
                            if (!EFFORTS.contains(e)) {
                                throw new IllegalArgumentException(e);
                            }
                            return e;
                        }));
    }

    private static final List<String> EFFORTS = List.of("low", "medium", "high");

    private static JsonNode object(JsonNode parent, String field) throws InvalidAnswer {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new InvalidAnswer(field + " is missing or not an object");
        }
        return node;
    }

    private static JsonNode field(JsonNode node, String at, String field) throws InvalidAnswer {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidAnswer(at + field + " is missing");
        }
        return value;
    }

    private static <E> E enumValue(
            JsonNode node, String at, String field, Function<String, E> fromWire)
            throws InvalidAnswer {
        JsonNode value = field(node, at, field);
        if (!value.isTextual()) {
            throw new InvalidAnswer(at + field + " is not a string");
        }
        try {
            return fromWire.apply(value.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidAnswer(at + field + " '" + clip(value.asText()) + "' is not allowed");
        }
    }

    private static double number(JsonNode node, String at, String field, double min, double max)
            throws InvalidAnswer {
        JsonNode value = field(node, at, field);
        if (!value.isNumber()) {
            throw new InvalidAnswer(at + field + " is not a number");
        }
        double d = value.asDouble();
        if (!(d >= min && d <= max)) {
            throw new InvalidAnswer(at + field + " " + d + " is outside " + min + ".." + max);
        }
        return d;
    }

    private static boolean bool(JsonNode node, String at, String field) throws InvalidAnswer {
        JsonNode value = field(node, at, field);
        if (!value.isBoolean()) {
            throw new InvalidAnswer(at + field + " is not a boolean");
        }
        return value.asBoolean();
    }

    private static String text(JsonNode node, String at, String field, boolean required)
            throws InvalidAnswer {
        JsonNode value = field(node, at, field);
        if (!value.isTextual()) {
            throw new InvalidAnswer(at + field + " is not a string");
        }
        String s = value.asText().strip();
        if (required && s.isEmpty()) {
            throw new InvalidAnswer(at + field + " is empty");
        }
        if (s.length() > MAX_TEXT) {
            throw new InvalidAnswer(at + field + " is longer than " + MAX_TEXT + " characters");
        }
        return s;
    }

    private static List<String> texts(JsonNode node, String at, String field) throws InvalidAnswer {
        JsonNode value = field(node, at, field);
        if (!value.isArray()) {
            throw new InvalidAnswer(at + field + " is not a list");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new InvalidAnswer(at + field + " holds a non-string");
            }
            String s = item.asText().strip();
            if (!s.isEmpty() && items.size() < MAX_ITEMS) {
                items.add(s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s);
            }
        }
        return List.copyOf(items);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
