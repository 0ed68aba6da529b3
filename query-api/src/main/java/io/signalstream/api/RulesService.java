package io.signalstream.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.rules.RuleBook;
import io.signalstream.model.Json;
import io.signalstream.model.Validation;
import io.signalstream.model.rules.RuleCheck;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/rules}: a tenant's alert rules. {@code PUT /{id}} checks a rule ({@link RuleCheck}:
 * every mistake named by its path, 400) and stores it with its defaults ({@code cooldown} PT30M,
 * {@code severity} medium), 201 when new, 200 when replaced; {@code GET /} lists them, {@code GET
 * /{id}} shows one, {@code DELETE /{id}} removes it (204). Writing needs the {@code admin} scope.
 */
final class RulesService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(RulesService.class);

    /** A rule's body is small: bounded before it is parsed. */
    static final int MAX_BODY_BYTES = 32_768;

    static final String DEFAULT_COOLDOWN = "PT30M";
    static final String DEFAULT_SEVERITY = "medium";
    private static final int RETRY_AFTER_SECONDS = 5;

    private final RuleBook rules;
    private final ObjectMapper mapper;

    RulesService(RuleBook rules) {
        this.rules = rules;
        this.mapper = Json.newMapper();
        mapper.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    @Override
    public void routing(HttpRules r) {
        r.get("/", this::list)
                .get("/{id}", this::show)
                .put("/{id}", this::put)
                .delete("/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("tenant_id", Auth.tenant(req));
        body.putArray("rules").addAll(rules.list(Auth.tenant(req)));
        body.put("limit", RuleBook.MAX_PER_TENANT);
        json(res, Status.OK_200, body);
    }

    private void show(ServerRequest req, ServerResponse res) throws IOException {
        Optional<String> id = id(req, res);
        if (id.isEmpty()) {
            return;
        }
        Optional<ObjectNode> rule = rules.get(Auth.tenant(req), id.get());
        if (rule.isEmpty()) {
            notFound(res, id.get());
            return;
        }
        json(res, Status.OK_200, rule.get());
    }

    private void put(ServerRequest req, ServerResponse res) throws IOException {
        Optional<String> id = id(req, res);
        if (id.isEmpty()) {
            return;
        }
        Optional<byte[]> bytes = JsonBodies.bounded(req, MAX_BODY_BYTES);
        if (bytes.isEmpty()) {
            tooLarge(res);
            return;
        }
        JsonNode body;
        try {
            body = mapper.readTree(bytes.get());
        } catch (JacksonException e) {
            Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", "The body is not valid JSON");
            return;
        }
        List<RuleCheck.Problem> problems = RuleCheck.check(body);
        if (!problems.isEmpty()) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "The rule has " + problems.size() + " mistake(s): " + problems.get(0),
                    problems.stream()
                            .map(p -> new Validation.Violation(p.path(), p.message()))
                            .toList());
            return;
        }
        String tenant = Auth.tenant(req);
        ObjectNode rule = mapper.createObjectNode();
        rule.put("id", id.get());
        rule.put("tenant_id", tenant);
        rule.setAll((ObjectNode) body);
        if (!rule.has("cooldown")) {
            rule.put("cooldown", DEFAULT_COOLDOWN);
        }
        if (!rule.has("severity")) {
            rule.put("severity", DEFAULT_SEVERITY);
        }
        rule.put("updated_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        boolean added;
        try {
            added = rules.put(tenant, id.get(), rule);
        } catch (RuleBook.Full e) {
            Problems.send(res, Status.CONFLICT_409, "Conflict", e.getMessage());
            return;
        } catch (MessageLog.NotAcknowledged e) {
            LOG.warn("rule {} of {} not stored: {}", id.get(), tenant, e.getMessage());
            Problems.serviceUnavailable(
                    res,
                    "Kafka did not confirm the rule in time; send it again.",
                    RETRY_AFTER_SECONDS);
            return;
        }
        LOG.info("rule {} {}", id.get(), added ? "created" : "replaced");
        json(res, added ? Status.CREATED_201 : Status.OK_200, rule);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Optional<String> id = id(req, res);
        if (id.isEmpty()) {
            return;
        }
        boolean existed;
        try {
            existed = rules.delete(Auth.tenant(req), id.get());
        } catch (MessageLog.NotAcknowledged e) {
            Problems.serviceUnavailable(
                    res,
                    "Kafka did not confirm the deletion in time; send it again.",
                    RETRY_AFTER_SECONDS);
            return;
        }
        if (!existed) {
            notFound(res, id.get());
            return;
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private static Optional<String> id(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!RuleCheck.ID.matcher(id).matches()) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "A rule id is 1 to 64 of A-Z a-z 0-9 _ -");
            return Optional.empty();
        }
        return Optional.of(id);
    }

    private static void notFound(ServerResponse res, String id) {
        Problems.send(
                res, Status.NOT_FOUND_404, "Not Found", "No rule '" + id + "' for this tenant");
    }

    private static void tooLarge(ServerResponse res) {
        Problems.send(
                res,
                Status.REQUEST_ENTITY_TOO_LARGE_413,
                "Content Too Large",
                "A rule is at most " + MAX_BODY_BYTES + " bytes");
    }

    private void json(ServerResponse res, Status status, JsonNode body) throws IOException {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }
}
