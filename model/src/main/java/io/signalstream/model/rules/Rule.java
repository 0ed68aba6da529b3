package io.signalstream.model.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tenant's rule, compiled from its stored JSON ({@link RuleCheck} describes the shape) into a
 * test over a conversation. The job evaluates it on every aggregate version and when a customer has
 * waited long enough; {@code POST /v1/rules/{id}/backfill} evaluates it over stored conversations.
 * Both read the same {@link Facts}, so a rule means the same thing live and over history.
 *
 * <p>A condition on a part the conversation does not have yet (no insights before the first answer,
 * say) is false, whatever its operator.
 */
public final class Rule {

    /**
     * What a rule is judged on.
     *
     * @param aggregate the conversation's aggregate as JSON (snake_case, as on {@code
     *     support.ai.aggregated})
     * @param text the redacted text of the latest customer message, or null
     * @param waitingSince when the customer's latest message arrived if no agent has answered it
     *     since, else null
     * @param now the time of judgement: the triggering message's time, or a wait's deadline
     */
    public record Facts(JsonNode aggregate, String text, Instant waitingSince, Instant now) {}

    /** One condition of a rule. */
    private interface Condition {
        boolean test(Facts facts);
    }

    private final String id;
    private final String tenantId;
    private final String name;
    private final String severity;
    private final Duration cooldown;
    private final long updatedAt;
    private final boolean alert;
    private final List<String> webhooks;
    private List<Duration> waits = new ArrayList<>();
    private boolean readsText;
    private final Condition when;

    private Rule(JsonNode stored) {
        id = stored.path("id").asText();
        tenantId = stored.path("tenant_id").asText();
        name = stored.path("name").asText();
        severity = stored.path("severity").asText("medium");
        cooldown = Duration.parse(stored.path("cooldown").asText("PT30M"));
        updatedAt = parseInstant(stored.path("updated_at").asText(""));
        List<String> hooks = new ArrayList<>();
        boolean raises = false;
        for (JsonNode action : stored.path("actions")) {
            if ("webhook".equals(action.path("type").asText())) {
                hooks.add(action.path("webhook").asText());
            } else {
                raises = true;
            }
        }
        alert = raises;
        webhooks = List.copyOf(hooks);
        when = condition(stored.get("when"));
        waits = List.copyOf(waits); // read on every event: copied once, here
    }

    /**
     * Compiles a stored rule (as {@code PUT /v1/rules/{id}} wrote it, with {@code id} and {@code
     * tenant_id}).
     *
     * @throws IllegalArgumentException naming every mistake when the rule is not valid
     */
    public static Rule compile(JsonNode stored) {
        List<RuleCheck.Problem> problems = RuleCheck.check(withoutStoredFields(stored));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid rule: " + problems);
        }
        if (stored.path("id").asText("").isEmpty()
                || stored.path("tenant_id").asText("").isEmpty()) {
            throw new IllegalArgumentException("A stored rule has an id and a tenant_id");
        }
        return new Rule(stored);
    }

    /** Whether the rule's conditions hold on these facts (cooldown is the caller's). */
    public boolean matches(Facts facts) {
        return when.test(facts);
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String name() {
        return name;
    }

    public String severity() {
        return severity;
    }

    public Duration cooldown() {
        return cooldown;
    }

    /** When the rule was last written (epoch milliseconds), part of its alerts' identity. */
    public long updatedAt() {
        return updatedAt;
    }

    /** Whether the rule raises an alert for the feed (an {@code alert} action). */
    public boolean alert() {
        return alert;
    }

    /** The webhooks the rule's alerts go to, in the order written. */
    public List<String> webhooks() {
        return webhooks;
    }

    /** The waits its {@code waiting} conditions name: the timers a conversation needs. */
    public List<Duration> waits() {
        return waits;
    }

    /** Whether a {@code text} condition reads the customer's latest message. */
    public boolean readsText() {
        return readsText;
    }

    private Condition condition(JsonNode c) {
        if (c.has("all") || c.has("any")) {
            boolean all = c.has("all");
            List<Condition> parts = new ArrayList<>();
            for (JsonNode part : c.get(all ? "all" : "any")) {
                parts.add(condition(part));
            }
            return all
                    ? f -> parts.stream().allMatch(p -> p.test(f))
                    : f -> parts.stream().anyMatch(p -> p.test(f));
        }
        if (c.has("drop")) {
            double by = c.get("drop").get("by").asDouble();
            int over = c.get("drop").get("over").asInt();
            return f -> drop(f.aggregate(), over) >= by - 1e-9;
        }
        if (c.has("waiting")) {
            Duration wait = Duration.parse(c.get("waiting").asText());
            waits.add(wait);
            return f -> f.waitingSince() != null && !f.now().isBefore(f.waitingSince().plus(wait));
        }
        if (c.has("text")) {
            Pattern pattern = textPattern(c.get("text").get("matches").asText());
            readsText = true;
            return f -> f.text() != null && pattern.matcher(f.text()).find();
        }
        return field(c.get("field").asText(), c.get("op").asText(), c.get("value"));
    }

    private static Condition field(String field, String op, JsonNode value) {
        RuleCheck.Field spec = RuleCheck.FIELDS.get(field);
        return switch (spec.kind()) {
            case LIST -> {
                String wanted = value.asText();
                yield f -> values(f.aggregate(), field).contains(wanted);
            }
            case NUMBER -> f -> compare(number(f.aggregate(), field), op, value, null);
            case ORDERED_CHOICE ->
                    f -> compare(text(f.aggregate(), field), op, value, spec.values());
            default -> f -> compare(text(f.aggregate(), field), op, value, null);
        };
    }

    /**
     * Compares {@code actual} with the condition's value; null (the part is missing) is false. With
     * {@code order}, texts compare by their place in it (urgency: low < ... < critical).
     */
    private static boolean compare(Object actual, String op, JsonNode value, List<String> order) {
        if (actual == null) {
            return false;
        }
        if (op.equals("in")) {
            for (JsonNode v : value) {
                if (compare(actual, "eq", v, order)) {
                    return true;
                }
            }
            return false;
        }
        if (op.equals("contains")) {
            return actual.toString()
                    .toLowerCase(Locale.ROOT)
                    .contains(value.asText().toLowerCase(Locale.ROOT));
        }
        int cmp;
        if (actual instanceof Double d) {
            cmp = Double.compare(d, value.asDouble());
        } else if (actual instanceof Boolean b) {
            cmp = b == value.asBoolean() ? 0 : 1;
        } else if (order != null) {
            cmp = Integer.compare(order.indexOf(actual), order.indexOf(value.asText()));
        } else {
            cmp = actual.equals(value.asText()) ? 0 : 1;
        }
        return switch (op) {
            case "eq" -> cmp == 0;
            case "ne" -> cmp != 0;
            case "gt" -> cmp > 0;
            case "gte" -> cmp >= 0;
            case "lt" -> cmp < 0;
            case "lte" -> cmp <= 0;
            default -> false;
        };
    }

    private static JsonNode at(JsonNode aggregate, String field) {
        JsonNode node = aggregate;
        for (String part : field.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static Double number(JsonNode aggregate, String field) {
        JsonNode node = at(aggregate, field);
        return node != null && node.isNumber() ? node.asDouble() : null;
    }

    private static Object text(JsonNode aggregate, String field) {
        JsonNode node = at(aggregate, field);
        if (node == null) {
            return null;
        }
        return node.isBoolean() ? Boolean.valueOf(node.asBoolean()) : node.asText();
    }

    /** A list field's values; {@code pii.types} is the set of the found entities' types. */
    private static Set<String> values(JsonNode aggregate, String field) {
        Set<String> values = new HashSet<>();
        if (field.equals("pii.types")) {
            for (JsonNode entity : aggregate.path("pii").path("entities")) {
                values.add(entity.path("type").asText());
            }
        } else {
            JsonNode list = at(aggregate, field);
            if (list != null) {
                list.forEach(v -> values.add(v.asText()));
            }
        }
        return values;
    }

    /**
     * How far the sentiment score fell over the last {@code over} customer messages: the highest of
     * those scores before the latest, minus the latest. Zero with fewer points than {@code over}.
     */
    static double drop(JsonNode aggregate, int over) {
        JsonNode trend = aggregate.path("sentiment_trend");
        int n = trend.size();
        if (n < over) {
            return 0;
        }
        double latest = trend.get(n - 1).path("score").asDouble();
        double highest = latest;
        for (int i = n - over; i < n - 1; i++) {
            highest = Math.max(highest, trend.get(i).path("score").asDouble());
        }
        return highest - latest;
    }

    /**
     * The pattern of a {@code text} condition: alternatives of whole words (any case), {@code *}
     * ending a word's prefix. Built only from quoted words and possessive classes, so matching
     * stays linear in the text.
     */
    static Pattern textPattern(String matches) {
        List<String> alternatives = new ArrayList<>();
        for (String alternative : matches.split("\\|")) {
            List<String> words = new ArrayList<>();
            for (String word : alternative.strip().split(" +")) {
                words.add(
                        word.endsWith("*")
                                ? Pattern.quote(word.substring(0, word.length() - 1))
                                        + "[\\p{L}\\p{N}'\\-]*+"
                                : Pattern.quote(word));
            }
            alternatives.add(String.join("\\s++", words));
        }
        return Pattern.compile(
                "(?<![\\p{L}\\p{N}])(?:" + String.join("|", alternatives) + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static JsonNode withoutStoredFields(JsonNode stored) {
        if (!stored.isObject()) {
            return stored;
        }
        var copy = ((ObjectNode) stored).deepCopy();
        copy.remove(List.of("id", "tenant_id", "updated_at"));
        return copy;
    }

    private static long parseInstant(String text) {
        try {
            return text.isEmpty() ? 0 : Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
