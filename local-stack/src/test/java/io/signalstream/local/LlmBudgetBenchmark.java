package io.signalstream.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * How much of the Gemini budget the job uses at saturation: the local stack with the {@code gemini}
 * provider, two subtasks sharing {@code GEMINI_RPM_LIMIT=120}, against {@link FakeGemini} answering
 * in 1.5 s and enforcing the same limit (it answers 429 beyond it). Sixty conversations each get a
 * customer message every six seconds, far more than the budget can analyse, for a bounded time;
 * then the request log is read.
 *
 * <p>A second run puts the same load on one tenant with a token budget ({@value #TOKENS_PER_MINUTE}
 * tokens a minute) and a request limit that does not bind: {@code token_budget_used} is the tokens
 * the fake counted in the busiest 60 s over the budget, {@code over_budget_tokens} how far that
 * went over it.
 *
 * <p>Arguments: the JSON file to write (default {@code target/bench/llm-budget.json}) and the load
 * time of each run in seconds (default 90).
 */
public final class LlmBudgetBenchmark {

    static final int RPM = 120;
    static final int CONVERSATIONS = 60;
    static final Duration ANSWER_TIME = Duration.ofMillis(1500);

    private LlmBudgetBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/llm-budget.json");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 90;
        // The request budget: the job's RPM limit binds.
        List<FakeGemini.Request> byRequests =
                run(seconds, RPM, "--gemini-rpm-limit", Integer.toString(RPM));
        ObjectNode result = summarize(byRequests, customerMessages, seconds);
        // The token budget: one tenant's tokens a minute bind, requests do not.
        List<FakeGemini.Request> byTokens =
                run(
                        seconds,
                        0,
                        "--gemini-rpm-limit",
                        Integer.toString(TOKENS_RPM),
                        "--gemini-tenant-tokens-per-minute",
                        Long.toString(TOKENS_PER_MINUTE));
        tokens(result, byTokens);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                out,
                StackClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println(result.toPrettyString());
    }

    /** The tenant's token budget in the second run, and its request limit (not binding). */
    static final long TOKENS_PER_MINUTE = 120_000;

    static final int TOKENS_RPM = 1_000;

    private static long customerMessages;

    /** One run of the load; the requests the fake saw. */
    private static List<FakeGemini.Request> run(int seconds, int fakeRpm, String... jobArgs)
            throws Exception {
        Path data = Files.createTempDirectory("llm-budget");
        String key = "bench-" + UUID.randomUUID();
        List<String> args =
                new java.util.ArrayList<>(
                        List.of("--agent-timeout-ms", "120000", "--agent-capacity", "200"));
        args.addAll(List.of(jobArgs));
        try (FakeGemini gemini = new FakeGemini(key, ANSWER_TIME, fakeRpm);
                LocalStack stack =
                        new LocalStack(
                                        gemini.stackOptions(
                                                data,
                                                4,
                                                2,
                                                Path.of("flink-conf"),
                                                args.toArray(String[]::new)))
                                .start()) {
            StackClient client = new StackClient(stack, null);
            long sent = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int round = 0;
            // Every conversation gets a message each 6 s: 10 customer messages a second in all.
            while (System.nanoTime() < end) {
                long roundStart = System.nanoTime();
                for (int c = 0; c < CONVERSATIONS; c++) {
                    HttpResponse<String> res =
                            client.post(
                                    StackClient.message(
                                            "budget-" + c,
                                            "r" + round + "-" + c,
                                            "customer",
                                            "Message " + round + ": my parcel is still missing"));
                    if (res.statusCode() == 202) {
                        sent++;
                    }
                }
                round++;
                long next = roundStart + TimeUnit.SECONDS.toNanos(6);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            }
            customerMessages = sent;
            return gemini.requests();
        } finally {
            StackClient.removeLeniently(data);
        }
    }

    /**
     * The token run's figures: the tokens the fake counted in its busiest 60 s (by arrival) against
     * the tenant's budget, and how far any 60 s went over it.
     */
    static void tokens(ObjectNode result, List<FakeGemini.Request> requests) {
        List<FakeGemini.Request> answered =
                requests.stream()
                        .filter(r -> r.status() == 200)
                        .sorted(
                                java.util.Comparator.comparingLong(
                                        FakeGemini.Request::receivedNanos))
                        .toList();
        long minute = TimeUnit.MINUTES.toNanos(1);
        long busiest = 0;
        long window = 0;
        for (int i = 0, j = 0; j < answered.size(); j++) {
            window += answered.get(j).tokens();
            while (answered.get(j).receivedNanos() - answered.get(i).receivedNanos() >= minute) {
                window -= answered.get(i++).tokens();
            }
            busiest = Math.max(busiest, window);
        }
        result.put("token_budget_per_minute", TOKENS_PER_MINUTE);
        result.put("token_requests_answered", answered.size());
        result.put("token_busiest_minute_tokens", busiest);
        result.put("token_budget_used", (double) busiest / TOKENS_PER_MINUTE);
        result.put("over_budget_tokens", Math.max(0, busiest - TOKENS_PER_MINUTE));
    }

    static ObjectNode summarize(
            List<FakeGemini.Request> requests, long customerMessages, int seconds) {
        List<Long> accepted =
                requests.stream()
                        .filter(r -> r.status() == 200)
                        .map(FakeGemini.Request::receivedNanos)
                        .sorted()
                        .toList();
        long throttled = requests.stream().filter(r -> r.status() == 429).count();
        long minute = TimeUnit.MINUTES.toNanos(1);
        int busiest = 0;
        for (int i = 0, j = 0; i < accepted.size(); i++) {
            while (j < accepted.size() && accepted.get(j) - accepted.get(i) < minute) {
                j++;
            }
            busiest = Math.max(busiest, j - i);
        }
        // The first full minute after the first request: the job ramps up from zero.
        long firstMinute =
                accepted.isEmpty()
                        ? 0
                        : accepted.stream().filter(t -> t - accepted.get(0) < minute).count();
        ObjectNode result = StackClient.MAPPER.createObjectNode();
        result.put("scenario", "llm-budget");
        result.put("rpm_limit", RPM);
        result.put("model_answer_ms", ANSWER_TIME.toMillis());
        result.put("subtasks", 2);
        result.put("conversations", CONVERSATIONS);
        result.put("load_seconds", seconds);
        result.put("customer_messages", customerMessages);
        result.put("requests_answered", accepted.size());
        result.put("requests_throttled_429", throttled);
        long first = requests.stream().mapToLong(FakeGemini.Request::receivedNanos).min().orElse(0);
        var throttledAt = result.putArray("throttled_at_seconds");
        requests.stream()
                .filter(r -> r.status() == 429)
                .forEach(r -> throttledAt.add((r.receivedNanos() - first) / 1e9));
        result.put("busiest_minute_requests", busiest);
        result.put("first_minute_requests", firstMinute);
        result.put("budget_used_first_minute", (double) firstMinute / RPM);
        result.put(
                "llm_calls_per_customer_message",
                customerMessages == 0 ? 0 : (double) requests.size() / customerMessages);
        return result;
    }
}
