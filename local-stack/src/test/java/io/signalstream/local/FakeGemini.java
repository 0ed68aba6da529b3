package io.signalstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalstream.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Gemini's {@code generateContent} HTTP API, the one fake the tests may use:
 * Google cannot be reached from here. It answers in the API's JSON shape with an answer built from
 * the transcript, records every request, and misbehaves on request when the transcript carries a
 * marker:
 *
 * <ul>
 *   <li>{@code [429xN]}: the first N such requests get {@code 429} with {@code Retry-After: 1};
 *   <li>{@code [429rxN]}: {@code 429} with no header, a {@code RetryInfo} of 2 s in the body;
 *   <li>{@code [429nxN]}: {@code 429} that names no delay at all;
 *   <li>{@code [500xN]}: the first N get {@code 500};
 *   <li>{@code [hang]}: never answered (until the fake stops);
 *   <li>{@code [garbage]}: text that is not JSON;
 *   <li>{@code [badschema]}: JSON that breaks the schema (score 5, an unknown intent).
 * </ul>
 *
 * With {@link #rpmLimit} set it also enforces a budget like Google's: requests beyond it in any
 * minute get {@code 429}.
 */
public final class FakeGemini implements AutoCloseable {

    /**
     * One request as received, with the tokens its answer counted (prompt and answer; 0 when it
     * failed), the model it asked for and its W3C traceparent header (null without).
     */
    public record Request(
            long receivedNanos,
            String body,
            String transcript,
            int status,
            long tokens,
            String model,
            String traceparent) {}

    /**
     * The model a request asked for, from its path ({@code .../models/<model>:generateContent}).
     */
    private static String model(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        int slash = path.lastIndexOf('/');
        int colon = path.lastIndexOf(':');
        return colon > slash ? path.substring(slash + 1, colon) : "";
    }

    /** What the fake calls a person's name: two capitalised words. */
    private static final Pattern NAME = Pattern.compile("\\b[A-Z][a-z]+ [A-Z][a-z]+\\b");

    private static final Pattern FAILURES = Pattern.compile("\\[(429|429r|429n|500)x(\\d+)]");
    private static final ObjectMapper MAPPER = Json.newMapper();

    private final String apiKey;
    private final Duration delay;
    private final int rpmLimit;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> failuresServed = new ConcurrentHashMap<>();
    private final ArrayDeque<Long> acceptedInLastMinute = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param delay how long each good answer takes
     * @param rpmLimit requests per minute before answering 429; 0 for no limit
     */
    public FakeGemini(String apiKey, Duration delay, int rpmLimit) throws IOException {
        this.apiKey = apiKey;
        this.delay = delay;
        this.rpmLimit = rpmLimit;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /**
     * Options for a local stack whose job calls this fake with {@code apiKey}, plus {@code more}
     * job arguments.
     */
    LocalStack.Options stackOptions(
            java.nio.file.Path dataDir,
            int partitions,
            int parallelism,
            java.nio.file.Path flinkConf,
            String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of("--gemini-api-key", apiKey, "--gemini-base-url", baseUrl()));
        args.addAll(List.of(more));
        return new LocalStack.Options(
                        dataDir, 0, 0, 0, partitions, parallelism, flinkConf, "gemini", false)
                .withJobArgs(args);
    }

    /**
     * A local stack on {@code dataDir} (two partitions, one subtask, the project's Flink settings)
     * whose job calls this fake, with {@code more} job arguments; started.
     */
    LocalStack startStack(java.nio.file.Path dataDir, String... more) throws Exception {
        return new LocalStack(
                        stackOptions(
                                dataDir, 2, 1, java.nio.file.Path.of("..", "flink-conf"), more))
                .start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests whose transcript contains {@code marker}. */
    List<Request> requestsFor(String marker) {
        return requests.stream().filter(r -> r.transcript().contains(marker)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long received = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!exchange.getRequestURI().getPath().endsWith(":generateContent")) {
                reply(exchange, received, body, "", 404, error(404, "NOT_FOUND", "no such method"));
                return;
            }
            if (!apiKey.equals(exchange.getRequestHeaders().getFirst("x-goog-api-key"))) {
                reply(
                        exchange,
                        received,
                        body,
                        "",
                        400,
                        error(400, "INVALID_ARGUMENT", "API key not valid"));
                return;
            }
            JsonNode request = MAPPER.readTree(body);
            String transcript = request.at("/contents/0/parts/0/text").asText("");
            if (overBudget(received)) {
                fail(exchange, received, body, transcript, "429");
                return;
            }
            Matcher failure = FAILURES.matcher(transcript);
            if (failure.find()) {
                int served =
                        failuresServed
                                .computeIfAbsent(failure.group(), k -> new AtomicInteger())
                                .getAndIncrement();
                if (served < Integer.parseInt(failure.group(2))) {
                    fail(exchange, received, body, transcript, failure.group(1));
                    return;
                }
            }
            if (transcript.contains("[hang]")) {
                requests.add(
                        new Request(
                                received,
                                body,
                                transcript,
                                0,
                                0,
                                model(exchange),
                                exchange.getRequestHeaders().getFirst("traceparent")));
                stopped.await(60, TimeUnit.SECONDS);
                exchange.close();
                return;
            }
            if (!delay.isZero()) {
                stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (request.at("/generationConfig/responseJsonSchema/properties").has("entities")) {
                ObjectNode found = MAPPER.createObjectNode();
                var list = found.putArray("entities");
                Matcher name = NAME.matcher(transcript);
                while (name.find()) {
                    list.addObject().put("type", "PERSON").put("text", name.group());
                }
                reply(
                        exchange,
                        received,
                        body,
                        transcript,
                        200,
                        envelope(MAPPER.writeValueAsString(found), body));
                return;
            }
            JsonNode asked = request.at("/generationConfig/responseJsonSchema/properties");
            // An analysis, or a part of one (sentiment and insights, or summary and reply): the
            // parts its schema names.
            boolean analysis = asked.has("sentiment") || asked.has("reply");
            ObjectNode answer = answer(transcript, analysis, transcript.contains("[badschema]"));
            if (analysis) {
                answer.retain(
                        java.util.stream.StreamSupport.stream(
                                        java.util.Spliterators.spliteratorUnknownSize(
                                                asked.fieldNames(), 0),
                                        false)
                                .toList());
            }
            String text =
                    transcript.contains("[garbage]")
                            ? "Sure! Here is the analysis you asked for: {\"sentiment\": "
                            : MAPPER.writeValueAsString(answer);
            reply(exchange, received, body, transcript, 200, envelope(text, body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        }
    }

    private synchronized boolean overBudget(long now) {
        if (rpmLimit <= 0) {
            return false;
        }
        while (!acceptedInLastMinute.isEmpty()
                && now - acceptedInLastMinute.peekFirst() >= TimeUnit.MINUTES.toNanos(1)) {
            acceptedInLastMinute.pollFirst();
        }
        if (acceptedInLastMinute.size() >= rpmLimit) {
            return true;
        }
        acceptedInLastMinute.addLast(now);
        return false;
    }

    /**
     * The messages of a call's contents, a JSON array after the first line; none when the contents
     * are not one.
     */
    private static List<JsonNode> messages(String contents) {
        int start = contents.indexOf('[', contents.indexOf('\n') + 1);
        if (start < 0) {
            return List.of();
        }
        try {
            List<JsonNode> all = new java.util.ArrayList<>();
            MAPPER.readTree(contents.substring(start)).forEach(all::add);
            return all;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * A plausible answer: negative when the last customer message sounds angry; counts the
     * messages. Like a gullible model, it believes a customer's text that claims an agent withdrew
     * the escalation ({@code no escalation}); with {@code [leakcard]} it writes a card number and a
     * link into its summary and reply.
     */
    private static ObjectNode answer(String transcript, boolean analysis, boolean breakSchema) {
        List<JsonNode> lines = messages(transcript);
        String lastCustomer =
                lines.stream()
                        .filter(m -> m.path("sender").asText().equals("customer"))
                        .map(m -> m.path("text").asText())
                        .reduce((a, b) -> b)
                        .orElse("");
        boolean talkedOut = lastCustomer.matches("(?is).*\\[agent].*no escalation.*");
        boolean angry =
                !talkedOut
                        && lastCustomer.matches(
                                "(?is).*(angry|terrible|ridiculous|furious|unacceptable|sue).*");
        String leak = transcript.contains("[leakcard]") ? " Card 4111 1111 1111 1111." : "";
        ObjectNode summary = MAPPER.createObjectNode();
        summary.put(
                "summary",
                "Conversation of "
                        + lines.size()
                        + " messages; the customer is "
                        + (angry ? "upset" : "calm")
                        + "."
                        + leak);
        summary.putArray("key_points").add("messages: " + lines.size());
        summary.put("resolution_status", "open");
        summary.putObject("satisfaction")
                .put("csat", angry ? 1.5 : 3.5)
                .put("confidence", 0.6)
                .put("effort", angry ? "high" : "low");
        if (!analysis) {
            return summary;
        }
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode sentiment = root.putObject("sentiment");
        sentiment.put("sentiment", angry ? "negative" : "neutral");
        sentiment.put("score", breakSchema ? 5.0 : angry ? -0.8 : 0.0);
        sentiment.put("confidence", 0.9);
        sentiment.put("emotion", angry ? "angry" : "neutral");
        sentiment.put("reasoning", angry ? "angry words in the latest message" : "no strong cues");
        ObjectNode insights = root.putObject("insights");
        insights.put("intent", breakSchema ? "banana" : angry ? "complaint" : "general_inquiry");
        insights.put("urgency", angry ? "high" : "low");
        insights.putArray("suggested_actions").add("Acknowledge the problem");
        insights.put("requires_escalation", angry);
        insights.put("escalation_reason", angry ? "strong anger" : "");
        insights.putArray("topics").add("support");
        root.set("summary", summary);
        root.putObject("reply")
                .put(
                        "suggested_reply",
                        "Thank you for your patience, I am looking into it now."
                                + (leak.isEmpty()
                                        ? ""
                                        : leak + " Details at https://pay.example/card"));
        return root;
    }

    /**
     * A 429 or 500 in the API's error shape: {@code 429} with {@code Retry-After: 1}, {@code 429r}
     * with a {@code google.rpc.RetryInfo} of 2 s in the body instead, {@code 429n} with neither.
     */
    private void fail(
            HttpExchange exchange, long received, String body, String transcript, String kind)
            throws IOException {
        if (kind.equals("429")) {
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        String error =
                switch (kind) {
                    case "429", "429n" -> error(429, "RESOURCE_EXHAUSTED", "quota exceeded");
                    case "429r" ->
                            "{\"error\":{\"code\":429,\"message\":\"quota exceeded\","
                                    + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
                                    + "\"type.googleapis.com/google.rpc.RetryInfo\","
                                    + "\"retryDelay\":\"2s\"}]}}";
                    default -> error(500, "INTERNAL", "try again");
                };
        reply(exchange, received, body, transcript, kind.equals("500") ? 500 : 429, error);
    }

    /** The API's response shape around an answer's text, with token counts. */
    private static String envelope(String text, String body) throws IOException {
        ObjectNode response = MAPPER.createObjectNode();
        ObjectNode candidate = response.putArray("candidates").addObject();
        candidate
                .putObject("content")
                .put("role", "model")
                .putArray("parts")
                .addObject()
                .put("text", text);
        candidate.put("finishReason", "STOP");
        response.putObject("usageMetadata")
                .put("promptTokenCount", body.length() / 4)
                .put("candidatesTokenCount", text.length() / 4)
                .put("totalTokenCount", body.length() / 4 + text.length() / 4);
        response.put("modelVersion", "fake-gemini");
        return MAPPER.writeValueAsString(response);
    }

    private static String error(int code, String status, String message) {
        return "{\"error\":{\"code\":%d,\"message\":\"%s\",\"status\":\"%s\"}}"
                .formatted(code, message, status);
    }

    private void reply(
            HttpExchange exchange,
            long received,
            String body,
            String transcript,
            int status,
            String json)
            throws IOException {
        long tokens = 0;
        if (status == 200) {
            JsonNode usage = MAPPER.readTree(json).path("usageMetadata");
            tokens =
                    usage.path("promptTokenCount").asLong()
                            + usage.path("candidatesTokenCount").asLong();
        }
        requests.add(
                new Request(
                        received,
                        body,
                        transcript,
                        status,
                        tokens,
                        model(exchange),
                        exchange.getRequestHeaders().getFirst("traceparent")));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
