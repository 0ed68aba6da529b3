package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import io.opentelemetry.api.trace.SpanKind;
import io.signalstream.job.config.GeminiSettings;
import io.signalstream.model.Json;
import io.signalstream.model.Traceparent;
import io.signalstream.model.Tracing;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The official {@code google-genai} client, configured for a streaming job: one client per subtask,
 * asynchronous calls, as many connections as the operator may have calls in flight, no retries
 * inside the SDK (the async operator's retry strategy owns them), and an eye on every {@code
 * 429}/{@code 503} so the rate limiter can honour the server's {@code Retry-After}.
 */
public final class GeminiTransport implements AutoCloseable {

    /** One answer: its text and what it cost. */
    public record Answer(
            String text,
            long inputTokens,
            long outputTokens,
            String modelVersion,
            boolean truncated) {}

    private static final ObjectMapper ERRORS = Json.newMapper();

    private final GeminiSettings config;
    private final OkHttpClient http;
    private final Client client;
    private final Tracing tracing;

    /** How long a 429 or 503 that names no delay pauses the subtask's calls. */
    public static final Duration THROTTLE_PAUSE = Duration.ofSeconds(1);

    /** How much of an error body is read for its {@code RetryInfo}. */
    private static final long ERROR_BODY_BYTES = 64 * 1024;

    private static final Pattern PROTO_DURATION = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?s");

    /**
     * @param maxInFlight the async operator's capacity: requests this subtask may have open
     * @param requestTimeout how long one request may take before it is abandoned
     * @param onThrottled told how long to pause after each 429 or 503, before the call fails: the
     *     longer of the {@code Retry-After} header and the body's {@code google.rpc.RetryInfo}
     *     {@code retryDelay}, or {@link #THROTTLE_PAUSE} when neither says
     * @param tracing where the spans of requests that carry a trace go
     */
    public GeminiTransport(
            GeminiSettings config,
            int maxInFlight,
            Duration requestTimeout,
            Consumer<Duration> onThrottled,
            Tracing tracing) {
        this.config = config;
        this.tracing = tracing;
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxInFlight);
        dispatcher.setMaxRequestsPerHost(maxInFlight);
        this.http =
                new OkHttpClient.Builder()
                        .dispatcher(dispatcher)
                        .callTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .retryOnConnectionFailure(false)
                        .addInterceptor(
                                chain -> {
                                    Response response = chain.proceed(chain.request());
                                    if (response.code() == 429 || response.code() == 503) {
                                        onThrottled.accept(
                                                pause(
                                                        retryAfter(
                                                                response.header("Retry-After"),
                                                                Instant.now()),
                                                        retryDelay(
                                                                response.peekBody(ERROR_BODY_BYTES)
                                                                        .string())));
                                    }
                                    return response;
                                })
                        .build();
        // No status is retryable inside the SDK: its interceptor would sleep on an HTTP thread
        // before giving up, even with one attempt. Retries belong to the async operator.
        HttpOptions.Builder httpOptions =
                HttpOptions.builder()
                        .retryOptions(
                                HttpRetryOptions.builder()
                                        .attempts(1)
                                        .httpStatusCodes(List.of())
                                        .build());
        if (config.baseUrl() != null && !config.baseUrl().isBlank()) {
            httpOptions.baseUrl(config.baseUrl());
        }
        this.client =
                Client.builder()
                        .apiKey(config.apiKey())
                        .vertexAI(false)
                        .httpOptions(httpOptions.build())
                        .clientOptions(ClientOptions.builder().customHttpClient(http).build())
                        .build();
    }

    /** Sends {@code transcript} under {@code prompt}; the answer must follow its schema. */
    public CompletableFuture<Answer> generate(Prompt prompt, String transcript) {
        return generate(prompt, transcript, config.model(), null);
    }

    /**
     * The same, to {@code model}, as a span (a {@code model call}) of {@code traceparent}'s trace
     * sent on its {@code traceparent} header; null for no trace.
     */
    public CompletableFuture<Answer> generate(
            Prompt prompt, String transcript, String model, String traceparent) {
        GenerateContentConfig.Builder request =
                GenerateContentConfig.builder()
                        .systemInstruction(Content.fromParts(Part.fromText(prompt.instruction())))
                        .responseMimeType("application/json")
                        .responseJsonSchema(prompt.responseSchema())
                        .temperature((float) config.temperature())
                        .maxOutputTokens(config.maxOutputTokens())
                        .candidateCount(1);
        Tracing.Span span =
                traceparent == null
                        ? null
                        : tracing.start("model call", SpanKind.CLIENT, traceparent)
                                .set("gen_ai.system", "gemini")
                                .set("gen_ai.request.model", model)
                                .set("signalstream.prompt", prompt.version());
        if (span != null) {
            request.httpOptions(
                    HttpOptions.builder()
                            .headers(Map.of(Traceparent.HEADER, span.traceparent()))
                            .build());
        }
        CompletableFuture<Answer> answer =
                client.async
                        .models
                        .generateContent(model, transcript, request.build())
                        .thenApply(GeminiTransport::answer);
        if (span == null) {
            return answer;
        }
        answer.whenComplete(
                (a, error) -> {
                    if (error != null) {
                        span.failed(String.valueOf(error.getMessage()));
                    } else {
                        span.set("gen_ai.usage.input_tokens", a.inputTokens())
                                .set("gen_ai.usage.output_tokens", a.outputTokens())
                                .set("gen_ai.response.model", a.modelVersion());
                    }
                    span.end();
                });
        return answer;
    }

    private static Answer answer(GenerateContentResponse response) {
        GenerateContentResponseUsageMetadata usage = response.usageMetadata().orElse(null);
        String finish = response.finishReason() == null ? "" : response.finishReason().toString();
        return new Answer(
                response.text(),
                usage == null ? 0 : usage.promptTokenCount().orElse(0),
                usage == null ? 0 : usage.candidatesTokenCount().orElse(0),
                response.modelVersion().orElse(null),
                finish.equals("MAX_TOKENS"));
    }

    /** The longer of two delays a throttling answer gave, or {@link #THROTTLE_PAUSE}. */
    static Duration pause(Duration retryAfter, Duration retryDelay) {
        if (retryAfter == null && retryDelay == null) {
            return THROTTLE_PAUSE;
        }
        if (retryAfter == null) {
            return retryDelay;
        }
        return retryDelay == null || retryAfter.compareTo(retryDelay) >= 0
                ? retryAfter
                : retryDelay;
    }

    /**
     * The {@code retryDelay} of the {@code google.rpc.RetryInfo} in an error body ({@code {"error":
     * {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"}]}}}, a
     * protobuf duration such as {@code 2s} or {@code 0.500s}); null when there is none or it cannot
     * be read.
     */
    static Duration retryDelay(String errorBody) {
        if (errorBody == null || !errorBody.contains("RetryInfo")) {
            return null;
        }
        try {
            for (JsonNode detail : ERRORS.readTree(errorBody).path("error").path("details")) {
                if (detail.path("@type").asText().endsWith("google.rpc.RetryInfo")) {
                    Matcher m = PROTO_DURATION.matcher(detail.path("retryDelay").asText().strip());
                    if (m.matches()) {
                        String nanos =
                                m.group(2) == null
                                        ? "0"
                                        : (m.group(2) + "00000000").substring(0, 9);
                        return Duration.ofSeconds(
                                Long.parseLong(m.group(1)), Long.parseLong(nanos));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Reads a {@code Retry-After} header: delay-seconds or an HTTP date; null when absent or
     * unreadable.
     */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at =
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        client.close();
        http.dispatcher().executorService().shutdownNow();
        http.connectionPool().evictAll();
    }
}
