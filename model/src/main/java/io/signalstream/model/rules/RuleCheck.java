package io.signalstream.model.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.model.Emotion;
import io.signalstream.model.Intent;
import io.signalstream.model.PiiTypes;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a rule as a tenant writes it ({@code PUT /v1/rules/{id}}) and names every mistake by its
 * path in the body ({@code when.any[1].op}), so a support lead can fix them all at once. The shape:
 *
 * <pre>{@code
 * {"name": "Escalate now",
 *  "when": {"any": [{"field": "insights.requires_escalation", "op": "eq", "value": true},
 *                   {"field": "sentiment.score", "op": "lte", "value": -0.6}]},
 *  "cooldown": "PT10M", "severity": "high", "actions": [{"type": "webhook", "webhook": "ops"}]}
 * }</pre>
 *
 * <p>Conditions: {@code {"field", "op", "value"}} over the fields in {@link #FIELDS}; {@code
 * {"drop": {"field": "sentiment.score", "by": 0.5, "over": 3}}}; {@code {"waiting": "PT5M"}}
 * (customer waiting for an agent's answer); {@code {"text": {"matches": "refund|chargeback"}}}
 * (words, {@code |} between alternatives, {@code *} at a word's end: a pattern that cannot run
 * away); and nested {@code {"all"|"any": [...]}} groups. Everything is bounded: conditions per
 * group, depth, pattern length, actions.
 */
public final class RuleCheck {

    /** One mistake: where in the body, and what is wrong. */
    public record Problem(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    /** What a field holds, which decides the operators and values it takes. */
    enum Kind {
        NUMBER,
        BOOLEAN,
        TEXT,
        CHOICE,
        ORDERED_CHOICE,
        LIST
    }

    /** A field a condition may read, with its kind and (for choices and lists) allowed values. */
    record Field(Kind kind, List<String> values, double min, double max) {}

    /** The aggregate's fields a rule may read. */
    public static final Map<String, Field> FIELDS =
            Map.ofEntries(
                    Map.entry("sentiment.score", new Field(Kind.NUMBER, List.of(), -1, 1)),
                    Map.entry("sentiment.confidence", new Field(Kind.NUMBER, List.of(), 0, 1)),
                    Map.entry("sentiment.sentiment", choice(SentimentLabel.values())),
                    Map.entry("sentiment.emotion", choice(Emotion.values())),
                    Map.entry("insights.intent", choice(Intent.values())),
                    Map.entry(
                            "insights.urgency",
                            new Field(Kind.ORDERED_CHOICE, wire(Urgency.values()), 0, 0)),
                    Map.entry(
                            "insights.requires_escalation",
                            new Field(Kind.BOOLEAN, List.of(), 0, 0)),
                    Map.entry("insights.language", new Field(Kind.TEXT, List.of(), 0, 0)),
                    Map.entry("insights.topics", new Field(Kind.LIST, List.of(), 0, 0)),
                    Map.entry("pii.has_pii", new Field(Kind.BOOLEAN, List.of(), 0, 0)),
                    Map.entry(
                            "pii.types",
                            new Field(
                                    Kind.LIST,
                                    List.of(
                                            PiiTypes.EMAIL_ADDRESS,
                                            PiiTypes.PHONE_NUMBER,
                                            PiiTypes.CREDIT_CARD,
                                            PiiTypes.IBAN_CODE,
                                            PiiTypes.US_SSN,
                                            PiiTypes.IP_ADDRESS),
                                    0,
                                    0)),
                    Map.entry("message_count", new Field(Kind.NUMBER, List.of(), 0, 1_000_000)),
                    Map.entry("summary.resolution_status", choice(ResolutionStatus.values())));

    /** Operators by the kind of field they apply to. */
    private static final Map<Kind, Set<String>> OPS =
            Map.of(
                    Kind.NUMBER, Set.of("eq", "ne", "gt", "gte", "lt", "lte", "in"),
                    Kind.BOOLEAN, Set.of("eq", "ne"),
                    Kind.TEXT, Set.of("eq", "ne", "in", "contains"),
                    Kind.CHOICE, Set.of("eq", "ne", "in"),
                    Kind.ORDERED_CHOICE, Set.of("eq", "ne", "in", "gt", "gte", "lt", "lte"),
                    Kind.LIST, Set.of("contains"));

    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    /** Rule and webhook ids: what fits in a URL path segment and a Kafka key unescaped. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static final int MAX_NAME = 200;
    static final int MAX_CONDITIONS = 20;
    static final int MAX_DEPTH = 3;
    static final int MAX_PATTERN = 200;
    static final int MAX_ACTIONS = 5;
    static final int MAX_IN_VALUES = 50;
    static final Duration MAX_COOLDOWN = Duration.ofDays(30);
    static final Duration MIN_WAITING = Duration.ofMinutes(1);
    static final Duration MAX_WAITING = Duration.ofDays(7);

    /** Words of letters, digits, spaces, {@code '} and {@code -}; {@code *} ends a word. */
    private static final Pattern SAFE_ALTERNATIVE =
            Pattern.compile("[\\p{L}\\p{N}'\\-]+\\*?(?: +[\\p{L}\\p{N}'\\-]+\\*?)*");

    private static final Set<String> TOP_LEVEL =
            Set.of("name", "when", "cooldown", "severity", "actions");

    private final List<Problem> problems = new ArrayList<>();

    private RuleCheck() {}

    /** Every mistake in {@code body}; empty when the rule is valid. */
    public static List<Problem> check(JsonNode body) {
        RuleCheck c = new RuleCheck();
        c.rule(body);
        return List.copyOf(c.problems);
    }

    private void rule(JsonNode body) {
        if (body == null || !body.isObject()) {
            problem("", "a rule is a JSON object");
            return;
        }
        unknownFields(body, TOP_LEVEL, "");
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            problem("name", "is required: a short text a person recognises");
        } else if (name.asText().length() > MAX_NAME) {
            problem("name", "is longer than " + MAX_NAME + " characters");
        }
        JsonNode when = body.get("when");
        if (when == null) {
            problem("when", "is required: {\"all\": [...]} or {\"any\": [...]}");
        } else {
            group(when, "when", 1);
        }
        JsonNode cooldown = body.get("cooldown");
        if (cooldown != null) {
            duration(cooldown, "cooldown", Duration.ZERO, MAX_COOLDOWN);
        }
        JsonNode severity = body.get("severity");
        if (severity != null && !(severity.isTextual() && SEVERITIES.contains(severity.asText()))) {
            problem("severity", "must be one of " + String.join("|", SEVERITIES));
        }
        actions(body.get("actions"));
    }

    private void group(JsonNode group, String path, int depth) {
        if (!group.isObject() || group.size() != 1 || !(group.has("all") || group.has("any"))) {
            problem(path, "must be {\"all\": [conditions]} or {\"any\": [conditions]}");
            return;
        }
        String how = group.has("all") ? "all" : "any";
        JsonNode list = group.get(how);
        String at = path + "." + how;
        if (!list.isArray() || list.isEmpty()) {
            problem(at, "must be a list of at least one condition");
            return;
        }
        if (list.size() > MAX_CONDITIONS) {
            problem(at, "holds more than " + MAX_CONDITIONS + " conditions");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            condition(list.get(i), at + "[" + i + "]", depth);
        }
    }

    private void condition(JsonNode c, String path, int depth) {
        if (!c.isObject()) {
            problem(path, "a condition is a JSON object");
        } else if (c.has("all") || c.has("any")) {
            if (depth >= MAX_DEPTH) {
                problem(path, "groups nest at most " + MAX_DEPTH + " deep");
            } else {
                group(c, path, depth + 1);
            }
        } else if (c.has("field")) {
            unknownFields(c, Set.of("field", "op", "value"), path);
            field(c, path);
        } else if (c.has("drop")) {
            unknownFields(c, Set.of("drop"), path);
            drop(c.get("drop"), path + ".drop");
        } else if (c.has("waiting")) {
            unknownFields(c, Set.of("waiting"), path);
            duration(c.get("waiting"), path + ".waiting", MIN_WAITING, MAX_WAITING);
        } else if (c.has("text")) {
            unknownFields(c, Set.of("text"), path);
            text(c.get("text"), path + ".text");
        } else {
            problem(
                    path,
                    "must be a field condition {\"field\", \"op\", \"value\"}, {\"drop\": ...},"
                            + " {\"waiting\": ...}, {\"text\": ...} or a group");
        }
    }

    private void field(JsonNode c, String path) {
        String name = c.get("field").asText();
        Field field = FIELDS.get(name);
        if (field == null) {
            problem(path + ".field", "'" + name + "' is not one of " + sorted(FIELDS.keySet()));
            return;
        }
        JsonNode op = c.get("op");
        Set<String> ops = OPS.get(field.kind());
        if (op == null || !op.isTextual() || !ops.contains(op.asText())) {
            problem(path + ".op", "for " + name + " must be one of " + sorted(ops));
            return;
        }
        JsonNode value = c.get("value");
        if (value == null || value.isNull()) {
            problem(path + ".value", "is required");
        } else if (op.asText().equals("in")) {
            if (!value.isArray() || value.isEmpty() || value.size() > MAX_IN_VALUES) {
                problem(path + ".value", "for 'in' is a list of 1 to " + MAX_IN_VALUES + " values");
            } else {
                for (int i = 0; i < value.size(); i++) {
                    value(field, name, value.get(i), path + ".value[" + i + "]");
                }
            }
        } else {
            value(field, name, value, path + ".value");
        }
    }

    private void value(Field field, String name, JsonNode value, String path) {
        switch (field.kind()) {
            case NUMBER -> {
                if (!value.isNumber()) {
                    problem(path, name + " is a number");
                } else if (value.asDouble() < field.min() || value.asDouble() > field.max()) {
                    problem(path, name + " lies between " + field.min() + " and " + field.max());
                }
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    problem(path, name + " is true or false");
                }
            }
            case TEXT -> {
                if (!value.isTextual()
                        || value.asText().isEmpty()
                        || value.asText().length() > 100) {
                    problem(path, name + " takes a text of 1 to 100 characters");
                }
            }
            case CHOICE, ORDERED_CHOICE, LIST -> {
                if (!value.isTextual()
                        || (!field.values().isEmpty()
                                && !field.values().contains(value.asText()))) {
                    problem(
                            path,
                            field.values().isEmpty()
                                    ? name + " takes a text"
                                    : "'"
                                            + value.asText()
                                            + "' is not one of "
                                            + String.join("|", field.values()));
                }
            }
        }
    }

    private void drop(JsonNode d, String path) {
        if (!d.isObject()) {
            problem(path, "is {\"field\": \"sentiment.score\", \"by\": 0.5, \"over\": 3}");
            return;
        }
        unknownFields(d, Set.of("field", "by", "over"), path);
        JsonNode field = d.get("field");
        if (field == null || !"sentiment.score".equals(field.asText())) {
            problem(path + ".field", "a drop is measured on sentiment.score");
        }
        JsonNode by = d.get("by");
        if (by == null || !by.isNumber() || by.asDouble() <= 0 || by.asDouble() > 2) {
            problem(path + ".by", "is how far the score fell: a number above 0, at most 2");
        }
        JsonNode over = d.get("over");
        if (over == null || !over.isInt() || over.asInt() < 2 || over.asInt() > 20) {
            problem(path + ".over", "is over how many customer messages: 2 to 20");
        }
    }

    private void text(JsonNode t, String path) {
        if (!t.isObject() || !t.has("matches")) {
            problem(path, "is {\"matches\": \"refund|chargeback\"}");
            return;
        }
        unknownFields(t, Set.of("matches"), path);
        JsonNode matches = t.get("matches");
        String pattern = matches.isTextual() ? matches.asText() : "";
        if (pattern.isBlank() || pattern.length() > MAX_PATTERN) {
            problem(path + ".matches", "is a pattern of 1 to " + MAX_PATTERN + " characters");
            return;
        }
        for (String alternative : pattern.split("\\|", -1)) {
            if (!SAFE_ALTERNATIVE.matcher(alternative.strip()).matches()) {
                problem(
                        path + ".matches",
                        "may hold words (letters, digits, ' and -), | between alternatives and *"
                                + " at a word's end; '"
                                + alternative.strip()
                                + "' is not that");
                return;
            }
        }
    }

    private void duration(JsonNode node, String path, Duration min, Duration max) {
        Duration d;
        try {
            d = node.isTextual() ? Duration.parse(node.asText()) : null;
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null) {
            problem(path, "is an ISO-8601 duration such as PT5M or PT1H");
        } else if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(path, "lies between " + min + " and " + max);
        }
    }

    private void actions(JsonNode actions) {
        if (actions == null || !actions.isArray() || actions.isEmpty()) {
            problem(
                    "actions",
                    "is a list of 1 to " + MAX_ACTIONS + " actions, e.g. [{\"type\": \"alert\"}]");
            return;
        }
        if (actions.size() > MAX_ACTIONS) {
            problem("actions", "holds more than " + MAX_ACTIONS + " actions");
            return;
        }
        for (int i = 0; i < actions.size(); i++) {
            JsonNode a = actions.get(i);
            String path = "actions[" + i + "]";
            String type = a.path("type").asText("");
            switch (type) {
                case "alert" -> unknownFields(a, Set.of("type"), path);
                case "webhook" -> {
                    unknownFields(a, Set.of("type", "webhook"), path);
                    if (!ID.matcher(a.path("webhook").asText("")).matches()) {
                        problem(path + ".webhook", "names a webhook: 1 to 64 of A-Z a-z 0-9 _ -");
                    }
                }
                default -> problem(path + ".type", "must be alert or webhook");
            }
        }
    }

    private void unknownFields(JsonNode node, Set<String> known, String path) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problem(
                        path.isEmpty() ? name : path + "." + name,
                        "is not a field here (known: " + sorted(known) + ")");
            }
        }
    }

    private void problem(String path, String message) {
        problems.add(new Problem(path, message));
    }

    private static String sorted(Set<String> values) {
        return String.join(", ", values.stream().sorted().toList());
    }

    private static <E extends Enum<E>> Field choice(E[] values) {
        return new Field(Kind.CHOICE, wire(values), 0, 0);
    }

    private static <E extends Enum<E>> List<String> wire(E[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }
}
