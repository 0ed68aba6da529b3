package io.signalstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.opentelemetry.api.trace.SpanKind;
import io.signalstream.model.CreateMessageRequest;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Traceparent;
import io.signalstream.model.Tracing;
import io.signalstream.model.Validation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /v1/messages}: validates a message, writes it to the message log (Kafka), and answers
 * 202 only after the log acknowledged it. The caller's tenant, the content type and the tenant's
 * rate are checked by filters before.
 */
final class MessagesService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(MessagesService.class);

    /** The 202 body. */
    record Accepted(String messageId, String tenantId, String conversationId, Instant timestamp) {}

    private final MessageLog log;
    private final ApiMetrics metrics;
    private final int maxBodyBytes;
    private final int retryAfterSeconds;
    private final ObjectMapper mapper = strictRequestMapper();
    private final Tracing tracing;

    MessagesService(MessageLog log, ApiSettings settings, ApiMetrics metrics, Tracing tracing) {
        this.log = log;
        this.tracing = tracing;
        this.metrics = metrics;
        this.maxBodyBytes = settings.maxBodyBytes();
        this.retryAfterSeconds = (int) Math.max(1, settings.produceTimeout().toSeconds());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create);
    }

    private void create(ServerRequest req, ServerResponse res) throws Exception {
        String tenant = Auth.tenant(req);
        Optional<String> text = readBody(req, res);
        if (text.isEmpty()) {
            return;
        }
        String body = text.get();
        CreateMessageRequest request;
        try {
            request = mapper.readValue(body, CreateMessageRequest.class);
        } catch (JsonProcessingException e) {
            Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", describe(e));
            return;
        }
        if (request == null) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "The body must be a JSON object, not null");
            return;
        }
        List<Validation.Violation> violations = Validation.check(request);
        if (!violations.isEmpty()) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    violations.stream()
                            .map(Validation.Violation::toString)
                            .collect(Collectors.joining("; ")),
                    violations);
            return;
        }
        MDC.put("conversation_id", request.conversationId());
        SupportMessage message =
                new SupportMessage(
                        request.messageId() != null
                                ? request.messageId()
                                : UUID.randomUUID().toString(),
                        tenant,
                        request.conversationId(),
                        request.sender(),
                        request.message(),
                        request.channel(),
                        request.timestamp() != null ? request.timestamp() : Instant.now(),
                        request.metadata() != null ? request.metadata() : Map.of());
        // The caller's trace continues here (a span of it), or a new one starts.
        Tracing.Span span =
                tracing.start(
                                "POST /v1/messages",
                                SpanKind.SERVER,
                                req.headers()
                                        .first(HeaderNames.create(Traceparent.HEADER))
                                        .orElse(null))
                        .set(Tracing.TENANT, tenant)
                        .set(Tracing.CONVERSATION, message.conversationId())
                        .set(Tracing.MESSAGE, message.messageId());
        String traceparent = span.traceparent();
        long sent = System.nanoTime();
        try {
            log.write(message, traceparent);
            metrics.produced(System.nanoTime() - sent, true);
        } catch (MessageLog.NotAcknowledged e) {
            metrics.produced(System.nanoTime() - sent, false);
            span.set("http.response.status_code", 503).failed("not acknowledged").end();
            LOG.warn(
                    "message {} of conversation {} not accepted: {}",
                    message.messageId(),
                    message.conversationId(),
                    e.getMessage());
            // Kafka's own words stay in the log: they name brokers and internals.
            Problems.notConfirmed(
                    res,
                    "Kafka did not confirm the message in time; it may or may not have been"
                            + " stored. Retry later with message_id "
                            + message.messageId()
                            + ": it counts once either way.",
                    message.messageId(),
                    retryAfterSeconds);
            return;
        }
        res.status(Status.ACCEPTED_202);
        res.headers().set(HeaderNames.create(Traceparent.HEADER), traceparent);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        span.set("http.response.status_code", 202).end();
        res.send(
                mapper.writeValueAsString(
                        new Accepted(
                                message.messageId(),
                                message.tenantId(),
                                message.conversationId(),
                                message.timestamp())));
    }

    /**
     * The body as text: at most {@code maxBodyBytes} (else 413) of valid UTF-8 (else 400). Read
     * with a limit, so a body without a length cannot grow past it either.
     */
    private Optional<String> readBody(ServerRequest req, ServerResponse res) throws IOException {
        Optional<byte[]> body = JsonBodies.bounded(req, maxBodyBytes);
        if (body.isEmpty()) {
            tooLarge(res);
            return Optional.empty();
        }
        byte[] bytes = body.get();
        try {
            return Optional.of(
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString());
        } catch (CharacterCodingException e) {
            Problems.send(
                    res, Status.BAD_REQUEST_400, "Bad Request", "The body is not valid UTF-8");
            return Optional.empty();
        }
    }

    private void tooLarge(ServerResponse res) {
        Problems.send(
                res,
                Status.REQUEST_ENTITY_TOO_LARGE_413,
                "Content Too Large",
                "The body is larger than "
                        + maxBodyBytes
                        + " bytes; a message's text may have up to "
                        + Validation.MAX_MESSAGE_LENGTH
                        + " characters");
    }

    /** Like the shared mapper, but a number or boolean where text belongs is an error, not text. */
    private static ObjectMapper strictRequestMapper() {
        ObjectMapper m = Json.newMapper();
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /** A message naming the field, without echoing Jackson's internals. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field =
                    mapping.getPath().stream()
                            .map(
                                    ref ->
                                            ref.getFieldName() != null
                                                    ? ref.getFieldName()
                                                    : "[" + ref.getIndex() + "]")
                            .collect(Collectors.joining("."));
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                return field + ": " + iae.getMessage();
            }
            if (e instanceof InvalidFormatException invalid) {
                return field
                        + ": '"
                        + invalid.getValue()
                        + "' is not a valid "
                        + simpleType(invalid.getTargetType());
            }
            if (e instanceof MismatchedInputException mismatched) {
                return field + ": expected " + simpleType(mismatched.getTargetType());
            }
            return field + ": invalid value";
        }
        if (e instanceof MismatchedInputException mismatched
                && mismatched.getTargetType() == CreateMessageRequest.class) {
            return "The body must be a JSON object with conversation_id, sender, message and channel";
        }
        return "The body is not valid JSON: " + e.getOriginalMessage();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant such as 2025-01-31T12:00:00Z";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object of string values";
        }
        return type.getSimpleName();
    }
}
