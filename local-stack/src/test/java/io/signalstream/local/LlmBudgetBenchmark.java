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
 * <p>Arguments: the JSON file to write (default {@code target/bench/llm-budget.json}) and the load
 * time in seconds (default 90).
 */
public final class LlmBudgetBenchmark {

    static final int RPM = 120;
    static final int CONVERSATIONS = 60;
    static final Duration ANSWER_TIME = Duration.ofMillis(1500);

    private LlmBudgetBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/llm-budget.json");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 90;
        Path data = Files.createTempDirectory("llm-budget");
        String key = "bench-" + UUID.randomUUID();
        try (FakeGemini gemini = new FakeGemini(key, ANSWER_TIME, RPM);
                LocalStack stack =
                        new LocalStack(
                                        gemini.stackOptions(
                                                data,
                                                4,
                                                2,
                                                Path.of("flink-conf"),
                                                "--gemini-rpm-limit",
                                                Integer.toString(RPM),
                                                "--agent-timeout-ms",
                                                "120000",
                                                "--agent-capacity",
                                                "200"))
                                .start()) {
            StackClient client = new StackClient(stack, null);
            long customerMessages = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
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
                        customerMessages++;
                    }
                }
                round++;
                long next = roundStart + TimeUnit.SECONDS.toNanos(6);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            }
            List<FakeGemini.Request> requests = gemini.requests();
            ObjectNode result = summarize(requests, customerMessages, seconds);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(
                    out,
                    StackClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            System.out.println(result.toPrettyString());
        } finally {
            StackClient.removeLeniently(data);
        }
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
