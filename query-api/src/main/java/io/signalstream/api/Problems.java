package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.model.Json;
import io.signalstream.model.Validation;
import java.util.List;

/** Errors as {@code application/problem+json} (RFC 9457), with a message a person can act on. */
final class Problems {

    static final HttpMediaType PROBLEM_JSON = HttpMediaType.create("application/problem+json");
    private static final ObjectMapper MAPPER = Json.newMapper();

    private Problems() {}

    static void send(ServerResponse res, Status status, String title, String detail) {
        send(res, status, title, detail, List.of());
    }

    static void send(
            ServerResponse res,
            Status status,
            String title,
            String detail,
            List<Validation.Violation> violations) {
        send(res, status, problem(title, status, detail, violations));
    }

    private static ObjectNode problem(
            String title, Status status, String detail, List<Validation.Violation> violations) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status.code());
        body.put("detail", detail);
        if (!violations.isEmpty()) {
            var errors = body.putArray("errors");
            for (Validation.Violation v : violations) {
                errors.addObject().put("field", v.field()).put("detail", v.problem());
            }
        }
        return body;
    }

    private static void send(ServerResponse res, Status status, ObjectNode body) {
        res.status(status);
        res.headers().contentType(PROBLEM_JSON);
        res.send(body.toString());
    }

    static void serviceUnavailable(ServerResponse res, String detail, int retryAfterSeconds) {
        res.headers().set(HeaderNames.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        send(res, Status.SERVICE_UNAVAILABLE_503, "Service Unavailable", detail);
    }

    /**
     * A 503 for a message whose write was not confirmed: it may still have been stored, so the body
     * carries the {@code message_id} to retry with (it counts once).
     */
    static void notConfirmed(
            ServerResponse res, String detail, String messageId, int retryAfterSeconds) {
        res.headers().set(HeaderNames.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        Status status = Status.SERVICE_UNAVAILABLE_503;
        ObjectNode body = problem("Service Unavailable", status, detail, List.of());
        body.put("message_id", messageId);
        send(res, status, body);
    }
}
