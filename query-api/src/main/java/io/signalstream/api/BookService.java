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
import io.signalstream.api.book.TenantBook;
import io.signalstream.api.rules.Backfill;
import io.signalstream.api.store.Cursor;
import io.signalstream.api.webhooks.AddressGuard;
import io.signalstream.api.webhooks.DeliveryLog;
import io.signalstream.api.webhooks.WebhookCheck;
import io.signalstream.model.Json;
import io.signalstream.model.Validation;
import io.signalstream.model.rules.Rule;
import io.signalstream.model.rules.RuleCheck;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's book over HTTP: {@code PUT /{id}} checks an entry (every mistake named by its path,
 * 400) and stores it with its defaults, 201 when new, 200 when replaced; {@code GET /} lists them,
 * {@code GET /{id}} shows one, {@code DELETE /{id}} removes it (204). Writing needs the {@code
 * admin} scope. Serves {@code /v1/rules} ({@link #rules}) and {@code /v1/webhooks} ({@link
 * #webhooks}, whose secrets are never shown).
 */
final class BookService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(BookService.class);

    /** An entry's body is small: bounded before it is parsed. */
    static final int MAX_BODY_BYTES = 32_768;

    static final String DEFAULT_COOLDOWN = "PT30M";
    static final String DEFAULT_SEVERITY = "medium";
    private static final int RETRY_AFTER_SECONDS = 5;

    /** What differs between the books: the name, the check, the defaults and what is shown. */
    interface Kind {
        String noun();

        String plural();

        List<Validation.Violation> check(JsonNode body);

        /** Fills in defaults on the entry about to be stored. */
        default void defaults(ObjectNode entry) {}

        /** What a reader is shown of a stored entry. */
        default ObjectNode shown(ObjectNode stored) {
            return stored;
        }

        /** More routes under the book's path. */
        default void routing(HttpRules rules) {}
    }

    private final TenantBook book;
    private final Kind kind;
    private final ObjectMapper mapper;

    BookService(TenantBook book, Kind kind) {
        this.book = book;
        this.kind = kind;
        this.mapper = Json.newMapper();
        mapper.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    /**
     * {@code /v1/rules}: alert rules ({@link RuleCheck}), default cooldown and severity; {@code
     * POST /{id}/backfill} applies one to stored conversations.
     */
    static BookService rules(TenantBook book, Backfill backfill) {
        return new BookService(
                book,
                new Kind() {
                    @Override
                    public String noun() {
                        return "rule";
                    }

                    @Override
                    public String plural() {
                        return "rules";
                    }

                    @Override
                    public List<Validation.Violation> check(JsonNode body) {
                        return RuleCheck.check(body).stream()
                                .map(p -> new Validation.Violation(p.path(), p.message()))
                                .toList();
                    }

                    @Override
                    public void defaults(ObjectNode rule) {
                        if (!rule.has("cooldown")) {
                            rule.put("cooldown", DEFAULT_COOLDOWN);
                        }
                        if (!rule.has("severity")) {
                            rule.put("severity", DEFAULT_SEVERITY);
                        }
                    }

                    @Override
                    public void routing(HttpRules rules) {
                        rules.post(
                                "/{id}/backfill",
                                (req, res) -> {
                                    String tenant = Auth.tenant(req);
                                    String id = req.path().pathParameters().get("id");
                                    Optional<ObjectNode> stored = book.get(tenant, id);
                                    if (stored.isEmpty()) {
                                        Problems.send(
                                                res,
                                                Status.NOT_FOUND_404,
                                                "Not Found",
                                                "No rule '" + id + "' for this tenant");
                                        return;
                                    }
                                    backfill(req, res, Rule.compile(stored.get()), backfill);
                                });
                    }
                });
    }

    /**
     * {@code /v1/webhooks}: where alerts are delivered ({@link WebhookCheck}); the secret is stored
     * and never shown again; {@code GET /{id}/deliveries} is the delivery log.
     */
    static BookService webhooks(TenantBook book, AddressGuard guard, DeliveryLog deliveries) {
        ObjectMapper mapper = Json.newMapper();
        return new BookService(
                book,
                new Kind() {
                    @Override
                    public String noun() {
                        return "webhook";
                    }

                    @Override
                    public String plural() {
                        return "webhooks";
                    }

                    @Override
                    public List<Validation.Violation> check(JsonNode body) {
                        return WebhookCheck.check(body, guard);
                    }

                    @Override
                    public void defaults(ObjectNode webhook) {
                        if (!webhook.has("events")) {
                            webhook.putArray("events").add("alert");
                        }
                    }

                    @Override
                    public ObjectNode shown(ObjectNode stored) {
                        ObjectNode shown = stored.deepCopy();
                        shown.remove("secret");
                        shown.put("secret_set", true);
                        return shown;
                    }

                    @Override
                    public void routing(HttpRules rules) {
                        rules.get(
                                "/{id}/deliveries",
                                (req, res) -> {
                                    String tenant = Auth.tenant(req);
                                    String id = req.path().pathParameters().get("id");
                                    if (book.get(tenant, id).isEmpty()) {
                                        Problems.send(
                                                res,
                                                Status.NOT_FOUND_404,
                                                "Not Found",
                                                "No webhook '" + id + "' for this tenant");
                                        return;
                                    }
                                    ObjectNode body = mapper.createObjectNode();
                                    body.put("tenant_id", tenant);
                                    body.put("webhook_id", id);
                                    body.putArray("deliveries").addAll(deliveries.of(tenant, id));
                                    res.headers().contentType(MediaTypes.APPLICATION_JSON);
                                    res.send(mapper.writeValueAsBytes(body));
                                });
                    }
                });
    }

    @Override
    public void routing(HttpRules r) {
        kind.routing(r);
        r.get("/", this::list)
                .get("/{id}", this::show)
                .put("/{id}", this::put)
                .delete("/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("tenant_id", Auth.tenant(req));
        var entries = body.putArray(kind.plural());
        book.list(Auth.tenant(req)).forEach(e -> entries.add(kind.shown(e)));
        body.put("limit", book.limit());
        json(res, Status.OK_200, body);
    }

    private void show(ServerRequest req, ServerResponse res) throws IOException {
        Optional<String> id = id(req, res);
        if (id.isEmpty()) {
            return;
        }
        Optional<ObjectNode> entry = book.get(Auth.tenant(req), id.get());
        if (entry.isEmpty()) {
            notFound(res, id.get());
            return;
        }
        json(res, Status.OK_200, kind.shown(entry.get()));
    }

    private void put(ServerRequest req, ServerResponse res) throws IOException {
        Optional<String> id = id(req, res);
        if (id.isEmpty()) {
            return;
        }
        Optional<byte[]> bytes = JsonBodies.bounded(req, MAX_BODY_BYTES);
        if (bytes.isEmpty()) {
            Problems.send(
                    res,
                    Status.REQUEST_ENTITY_TOO_LARGE_413,
                    "Content Too Large",
                    "A " + kind.noun() + " is at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        JsonNode body;
        try {
            body = mapper.readTree(bytes.get());
        } catch (JacksonException e) {
            Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", "The body is not valid JSON");
            return;
        }
        List<Validation.Violation> problems = kind.check(body);
        if (!problems.isEmpty()) {
            Validation.Violation first = problems.get(0);
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "The "
                            + kind.noun()
                            + " has "
                            + problems.size()
                            + " mistake(s): "
                            + first.field()
                            + ": "
                            + first.problem(),
                    problems);
            return;
        }
        String tenant = Auth.tenant(req);
        ObjectNode entry = mapper.createObjectNode();
        entry.put("id", id.get());
        entry.put("tenant_id", tenant);
        entry.setAll((ObjectNode) body);
        kind.defaults(entry);
        entry.put("updated_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        boolean added;
        try {
            added = book.put(tenant, id.get(), entry);
        } catch (TenantBook.Full e) {
            Problems.send(res, Status.CONFLICT_409, "Conflict", e.getMessage());
            return;
        } catch (MessageLog.NotAcknowledged e) {
            LOG.warn("{} {} of {} not stored: {}", kind.noun(), id.get(), tenant, e.getMessage());
            Problems.serviceUnavailable(
                    res,
                    "Kafka did not confirm the " + kind.noun() + " in time; send it again.",
                    RETRY_AFTER_SECONDS);
            return;
        }
        LOG.info("{} {} {}", kind.noun(), id.get(), added ? "created" : "replaced");
        json(res, added ? Status.CREATED_201 : Status.OK_200, kind.shown(entry));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Optional<String> id = id(req, res);
        if (id.isEmpty()) {
            return;
        }
        boolean existed;
        try {
            existed = book.delete(Auth.tenant(req), id.get());
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

    private Optional<String> id(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!RuleCheck.ID.matcher(id).matches()) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "A " + kind.noun() + " id is 1 to 64 of A-Z a-z 0-9 _ -");
            return Optional.empty();
        }
        return Optional.of(id);
    }

    private void notFound(ServerResponse res, String id) {
        Problems.send(
                res,
                Status.NOT_FOUND_404,
                "Not Found",
                "No " + kind.noun() + " '" + id + "' for this tenant");
    }

    private void json(ServerResponse res, Status status, JsonNode body) throws IOException {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }

    /**
     * {@code POST /v1/rules/{id}/backfill?from=&to=&cursor=&limit=}: the rule over stored
     * conversations active in {@code [from, to)}, at most {@code limit} (1 to 10,000, default
     * 1,000) per call; {@code next_cursor} goes on.
     */
    private static void backfill(
            ServerRequest req, ServerResponse res, Rule rule, Backfill backfill) throws Exception {
        var query = req.query();
        Instant from;
        Instant to;
        int limit;
        Cursor cursor = null;
        try {
            from = query.first("from").asOptional().map(Instant::parse).orElse(null);
            to = query.first("to").asOptional().map(Instant::parse).orElse(null);
            limit = Integer.parseInt(query.first("limit").orElse("1000"));
        } catch (RuntimeException e) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "from and to are ISO-8601 instants, limit a number from 1 to "
                            + Backfill.MAX_LIMIT);
            return;
        }
        Optional<String> after = query.first("cursor").asOptional();
        if (after.isPresent()) {
            cursor = Cursor.decode(after.get()).orElse(null);
            if (cursor == null) {
                Problems.send(
                        res,
                        Status.BAD_REQUEST_400,
                        "Bad Request",
                        "cursor is not one this API gave out; start again without it");
                return;
            }
        }
        if (limit < 1 || limit > Backfill.MAX_LIMIT) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "limit is a number from 1 to " + Backfill.MAX_LIMIT);
            return;
        }
        Backfill.Result result = backfill.run(rule, from, to, cursor, limit, Instant.now());
        ObjectNode body = Json.newMapper().createObjectNode();
        body.put("rule_id", rule.id());
        body.put("from", from == null ? null : from.toString());
        body.put("to", to == null ? null : to.toString());
        body.put("checked", result.checked());
        body.put("alerts", result.raised());
        body.put("next_cursor", result.nextCursor());
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(Json.newMapper().writeValueAsBytes(body));
    }
}
