package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import io.signalstream.model.TranscriptEntry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * The caller's conversations, always scoped to the tenant of the API key: another tenant's
 * conversation answers 404 exactly like one that does not exist.
 *
 * <ul>
 *   <li>{@code GET /v1/conversations?limit=&offset=}: newest activity first, paged;
 *   <li>{@code GET /v1/conversations/{id}/insights}: the latest aggregate;
 *   <li>{@code GET /v1/conversations/{id}/messages}: the redacted recent transcript.
 * </ul>
 */
final class ConversationsService implements HttpService {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final String BAD_ID =
            "Conversation ids are 1 to 128 characters of letters, digits and . _ : @ -";

    private final IntelligenceView view;
    private final TranscriptView transcripts;
    private final Auth auth;
    private final ObjectMapper mapper = Json.newMapper();

    ConversationsService(IntelligenceView view, TranscriptView transcripts, Auth auth) {
        this.view = view;
        this.transcripts = transcripts;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}/insights", this::insights)
                .get("/{id}/messages", this::messages);
    }

    private void list(ServerRequest req, ServerResponse res) throws Exception {
        Optional<String> tenant = auth.require(req, res);
        if (tenant.isEmpty()) {
            return;
        }
        Parameters query = req.query();
        Optional<Integer> limit = intParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Optional<Integer> offset = intParam(query, "offset", 0, 0, Integer.MAX_VALUE);
        if (limit.isEmpty() || offset.isEmpty()) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "limit must be a whole number from 1 to "
                            + MAX_LIMIT
                            + " and offset a whole number from 0");
            return;
        }
        List<AggregatedIntelligence> all =
                view.all(tenant.get()).stream()
                        .sorted(
                                Comparator.comparing(
                                                (AggregatedIntelligence a) ->
                                                        a.lastUpdated() == null
                                                                ? Instant.EPOCH
                                                                : a.lastUpdated())
                                        .reversed()
                                        .thenComparing(AggregatedIntelligence::conversationId))
                        .toList();
        int from = (int) Math.min(all.size(), (long) offset.get());
        int to = (int) Math.min(all.size(), (long) from + limit.get());
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (AggregatedIntelligence a : all.subList(from, to)) {
            items.add(summary(a));
        }
        body.put("total", all.size());
        body.put("limit", limit.get());
        body.put("offset", from);
        if (to < all.size()) {
            body.put("next_offset", to);
        } else {
            body.putNull("next_offset");
        }
        json(res, body.toString());
    }

    /** One line of the list: what a support lead scans for. */
    private ObjectNode summary(AggregatedIntelligence a) {
        ObjectNode item = mapper.createObjectNode();
        item.put("conversation_id", a.conversationId());
        item.put("message_count", a.messageCount());
        item.put("version", a.version());
        item.put("last_activity", a.lastUpdated() == null ? null : a.lastUpdated().toString());
        item.put("sentiment", a.sentiment() == null ? null : a.sentiment().sentiment().wireName());
        if (a.sentiment() == null) {
            item.putNull("sentiment_score");
        } else {
            item.put("sentiment_score", a.sentiment().score());
        }
        item.put("urgency", a.insights() == null ? null : a.insights().urgency().wireName());
        item.put("intent", a.insights() == null ? null : a.insights().intent().wireName());
        item.put("requires_escalation", a.insights() != null && a.insights().requiresEscalation());
        return item;
    }

    private void insights(ServerRequest req, ServerResponse res) throws Exception {
        Optional<String> key = key(req, res);
        if (key.isEmpty()) {
            return;
        }
        Optional<IntelligenceView.Entry> aggregate = view.entry(key.get());
        if (aggregate.isEmpty()) {
            notFound(
                    res,
                    req,
                    "No insights for conversation '%s' yet. A message posted a moment ago may still be in processing.");
            return;
        }
        // The job's own bytes: nothing is serialised again per request.
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(aggregate.get().json());
    }

    private void messages(ServerRequest req, ServerResponse res) throws Exception {
        Optional<String> key = key(req, res);
        if (key.isEmpty()) {
            return;
        }
        Optional<List<TranscriptEntry>> entries = transcripts.get(key.get());
        if (entries.isEmpty()) {
            notFound(
                    res,
                    req,
                    "No messages for conversation '%s' yet. A message posted a moment ago may still be in processing.");
            return;
        }
        List<TranscriptEntry> window = entries.get();
        TranscriptEntry newest = window.get(window.size() - 1);
        ObjectNode body = mapper.createObjectNode();
        body.put("conversation_id", newest.conversationId());
        body.put("message_count", newest.seq());
        ArrayNode messages = body.putArray("messages");
        for (TranscriptEntry m : window) {
            messages.addObject()
                    .put("seq", m.seq())
                    .put("message_id", m.messageId())
                    .put("sender", m.sender().wireName())
                    .put("message", m.message())
                    .put("channel", m.channel().wireName())
                    .put("timestamp", m.timestamp() == null ? null : m.timestamp().toString());
        }
        json(res, body.toString());
    }

    /** The caller's key for the path's conversation; answers 401 or 400 itself. */
    private Optional<String> key(ServerRequest req, ServerResponse res) {
        Optional<String> tenant = auth.require(req, res);
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        String id = req.path().pathParameters().get("id");
        if (!ConversationKey.isValidId(id)) {
            Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", BAD_ID);
            return Optional.empty();
        }
        MDC.put("conversation_id", id);
        return Optional.of(ConversationKey.of(tenant.get(), id));
    }

    private static void notFound(ServerResponse res, ServerRequest req, String detail) {
        Problems.send(
                res,
                Status.NOT_FOUND_404,
                "Not Found",
                detail.formatted(req.path().pathParameters().get("id")));
    }

    private static void json(ServerResponse res, String body) {
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(body);
    }

    private static Optional<Integer> intParam(
            Parameters query, String name, int fallback, int min, int max) {
        if (!query.contains(name)) {
            return Optional.of(fallback);
        }
        try {
            int value = Integer.parseInt(query.get(name));
            return value >= min && value <= max ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
