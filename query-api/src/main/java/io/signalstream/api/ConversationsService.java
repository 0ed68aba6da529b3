package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.store.ConversationQuery;
import io.signalstream.api.store.ConversationStore;
import io.signalstream.api.store.Cursor;
import io.signalstream.api.store.Page;
import io.signalstream.api.store.StoredAggregate;
import io.signalstream.api.store.Summary;
import io.signalstream.api.store.TranscriptSlot;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.TranscriptEntry;
import io.signalstream.model.Urgency;
import io.signalstream.model.WireEnums;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The caller's conversations, always scoped to the tenant of the API key: another tenant's
 * conversation answers 404 exactly like one that does not exist.
 *
 * <ul>
 *   <li>{@code GET /v1/conversations}: newest activity first, a page at a time, with filters and
 *       full-text search;
 *   <li>{@code GET /v1/conversations/{id}/insights}: the latest aggregate, with its version as
 *       {@code ETag};
 *   <li>{@code GET /v1/conversations/{id}/messages}: the redacted recent transcript.
 * </ul>
 */
final class ConversationsService implements HttpService {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_QUERY_CHARS = 500;
    private static final String BAD_ID = "Conversation ids are " + ConversationKey.ID_RULE;
    private static final Logger LOG = LoggerFactory.getLogger(ConversationsService.class);
    private static final int RETRY_AFTER_SECONDS = 5;

    /** One page of the list. */
    record ConversationList(
            List<Summary> items,
            long total,
            boolean totalExact,
            int limit,
            Integer offset,
            String nextCursor,
            Integer nextOffset) {}

    /** One message of a transcript. */
    record TranscriptMessage(
            long seq,
            String messageId,
            String sender,
            String message,
            String channel,
            Instant timestamp) {}

    /** A conversation's recent messages, oldest first. */
    record Transcript(String conversationId, long messageCount, List<TranscriptMessage> messages) {}

    /** The answer to an erasure request. */
    record Erasure(String erasureId, String conversationId, String status) {}

    private final ConversationStore store;
    private final MessageLog log;
    private final Consumer<String> forget;
    private final ObjectMapper mapper = Json.newMapper();

    /**
     * @param log where an erasure request goes (the job clears the conversation in order)
     * @param forget removes a conversation from this API at once, by its key
     */
    ConversationsService(ConversationStore store, MessageLog log, Consumer<String> forget) {
        this.store = store;
        this.log = log;
        this.forget = forget;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}/insights", this::insights)
                .get("/{id}/messages", this::messages)
                .delete("/{id}", this::erase);
    }

    /**
     * Erases a conversation everywhere (the Auth filter lets only {@code admin} keys here): the
     * request is written in order after the conversation's messages and to the audit topic, the API
     * forgets the conversation at once, and the job removes its state, aggregate and transcript and
     * records that it is done. Answers 202 with the erasure's id, also for a conversation that is
     * not (or no longer) known: erasing is idempotent.
     */
    private void erase(ServerRequest req, ServerResponse res) throws Exception {
        Optional<String> key = key(req, res);
        if (key.isEmpty()) {
            return;
        }
        String id = req.path().pathParameters().get("id");
        ConversationErasure erasure =
                new ConversationErasure(
                        UUID.randomUUID().toString(), Auth.tenant(req), id, Instant.now());
        try {
            log.erase(erasure);
        } catch (MessageLog.NotAcknowledged e) {
            LOG.warn("erasure of {} not stored: {}", key.get(), e.getMessage());
            Problems.serviceUnavailable(
                    res,
                    "Kafka did not confirm the erasure request in time; nothing is certain to be"
                            + " erased. Send the request again.",
                    RETRY_AFTER_SECONDS);
            return;
        }
        forget.accept(key.get());
        LOG.info("erasure {} of {} accepted", erasure.erasureId(), key.get());
        res.status(Status.ACCEPTED_202);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(new Erasure(erasure.erasureId(), id, "accepted")));
    }

    private void list(ServerRequest req, ServerResponse res) throws Exception {
        Parameters p = req.query();
        List<String> problems = new ArrayList<>();
        int limit = intParam(p, "limit", DEFAULT_LIMIT, 1, ConversationQuery.MAX_LIMIT, problems);
        int offset = intParam(p, "offset", 0, 0, ConversationQuery.MAX_OFFSET, problems);
        Cursor cursor = null;
        if (p.contains("cursor")) {
            cursor = Cursor.decode(p.get("cursor")).orElse(null);
            if (cursor == null) {
                problems.add("cursor is not one this API gave out; start again without it");
            } else if (p.contains("offset")) {
                problems.add("give either cursor or offset, not both");
            }
        }
        String text = p.contains("q") ? p.get("q").strip() : null;
        if (text != null && text.length() > MAX_QUERY_CHARS) {
            problems.add("q may have up to " + MAX_QUERY_CHARS + " characters");
        }
        String intent = wire(p, "intent", Intent.class, problems);
        String sentiment = wire(p, "sentiment", SentimentLabel.class, problems);
        String urgency = wire(p, "urgency", Urgency.class, problems);
        Boolean escalation = bool(p, "escalation", problems);
        Boolean waiting = bool(p, "waiting", problems);
        boolean longestWaitingFirst = false;
        if (p.contains("sort")) {
            switch (p.get("sort")) {
                case "activity" -> longestWaitingFirst = false;
                case "waiting" -> longestWaitingFirst = true;
                default -> problems.add("sort must be activity or waiting");
            }
        }
        if (longestWaitingFirst && Boolean.FALSE.equals(waiting)) {
            problems.add(
                    "sort=waiting lists the conversations whose customer waits: not with waiting=false");
        }
        if (cursor != null && cursor.waiting() != longestWaitingFirst) {
            problems.add(
                    "the cursor belongs to a list sorted by "
                            + (cursor.waiting() ? "waiting" : "activity")
                            + "; give the same sort");
        }
        Instant from = instant(p, "from", problems);
        Instant to = instant(p, "to", problems);
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add("from must be before to");
        }
        if (!problems.isEmpty()) {
            Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", String.join("; ", problems));
            return;
        }
        ConversationQuery query =
                new ConversationQuery(
                        Auth.tenant(req),
                        text == null || text.isEmpty() ? null : text,
                        intent,
                        sentiment,
                        urgency,
                        escalation,
                        from,
                        to,
                        limit,
                        cursor,
                        cursor == null ? offset : 0,
                        waiting,
                        longestWaitingFirst);
        Page page = store.list(query);
        boolean byOffset = cursor == null;
        Integer nextOffset =
                byOffset && page.nextCursor() != null ? offset + page.items().size() : null;
        json(
                res,
                mapper.writeValueAsBytes(
                        new ConversationList(
                                page.items(),
                                page.total(),
                                page.totalExact(),
                                limit,
                                byOffset ? offset : null,
                                page.nextCursor(),
                                nextOffset)));
    }

    /** An optional {@code true}/{@code false} parameter; null when absent. */
    private static Boolean bool(Parameters p, String name, List<String> problems) {
        if (!p.contains(name)) {
            return null;
        }
        String value = p.get(name);
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        problems.add(name + " must be true or false");
        return null;
    }

    private void insights(ServerRequest req, ServerResponse res) {
        Optional<String> key = key(req, res);
        if (key.isEmpty()) {
            return;
        }
        Optional<StoredAggregate> aggregate = store.aggregate(key.get());
        if (aggregate.isEmpty()) {
            notFound(
                    res,
                    req,
                    "No insights for conversation '%s' yet. A message posted a moment ago may still be in processing.");
            return;
        }
        String etag = aggregate.get().etag();
        res.headers().set(HeaderNames.ETAG, etag);
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        if (req.headers().contains(HeaderNames.IF_NONE_MATCH)
                && matches(req.headers().get(HeaderNames.IF_NONE_MATCH).values(), etag)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        // The job's own bytes: nothing is serialised again per request.
        json(res, aggregate.get().json());
    }

    /** Whether an {@code If-None-Match} list names {@code etag} (or is {@code *}). */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private void messages(ServerRequest req, ServerResponse res) throws IOException {
        Optional<String> key = key(req, res);
        if (key.isEmpty()) {
            return;
        }
        List<TranscriptSlot> slots = store.transcript(key.get());
        if (slots.isEmpty()) {
            notFound(
                    res,
                    req,
                    "No messages for conversation '%s' yet. A message posted a moment ago may still be in processing.");
            return;
        }
        List<TranscriptMessage> messages = new ArrayList<>(slots.size());
        TranscriptEntry newest = null;
        for (TranscriptSlot slot : slots) {
            TranscriptEntry m = mapper.readValue(slot.json(), TranscriptEntry.class);
            messages.add(
                    new TranscriptMessage(
                            m.seq(),
                            m.messageId(),
                            m.sender() == null ? null : m.sender().wireName(),
                            m.message(),
                            m.channel() == null ? null : m.channel().wireName(),
                            m.timestamp()));
            newest = m;
        }
        json(
                res,
                mapper.writeValueAsBytes(
                        new Transcript(newest.conversationId(), newest.seq(), messages)));
    }

    /** The caller's key for the path's conversation; answers 400 itself. */
    private static Optional<String> key(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!ConversationKey.isValidId(id)) {
            Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", BAD_ID);
            return Optional.empty();
        }
        MDC.put("conversation_id", id);
        return Optional.of(ConversationKey.of(Auth.tenant(req), id));
    }

    private static void notFound(ServerResponse res, ServerRequest req, String detail) {
        Problems.send(
                res,
                Status.NOT_FOUND_404,
                "Not Found",
                detail.formatted(req.path().pathParameters().get("id")));
    }

    private static void json(ServerResponse res, byte[] body) {
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(body);
    }

    private static int intParam(
            Parameters query, String name, int fallback, int min, int max, List<String> problems) {
        if (!query.contains(name)) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(query.get(name));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + " must be a whole number from " + min + " to " + max);
        return fallback;
    }

    private static <E extends Enum<E>> String wire(
            Parameters query, String name, Class<E> type, List<String> problems) {
        if (!query.contains(name)) {
            return null;
        }
        String value = query.get(name);
        try {
            return WireEnums.parse(type, value).name().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            problems.add(name + " must be one of " + WireEnums.allowed(type));
            return null;
        }
    }

    private static Instant instant(Parameters query, String name, List<String> problems) {
        if (!query.contains(name)) {
            return null;
        }
        try {
            return Instant.parse(query.get(name));
        } catch (DateTimeParseException e) {
            problems.add(name + " must be an ISO-8601 instant such as 2025-01-31T12:00:00Z");
            return null;
        }
    }
}
