package io.signalstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers the figures {@code make bench} wrote under {@code target/bench/} into {@code
 * results.json} and writes {@code docs/benchmarks.md}: the machine, the method, each scenario
 * against its goal, and the original design's claims beside ours.
 *
 * <p>Arguments: the bench folder and the Markdown file to write.
 */
public final class BenchReport {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final Pattern RECOVERY =
            Pattern.compile(
                    "\\[taskmanager kill -9\\].*lost=(\\d+) double-counted=(\\d+).*recovery=(\\d+) ms");

    private BenchReport() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
        Path doc = Path.of(args.length > 1 ? args[1] : "docs/benchmarks.md");
        ObjectNode all = MAPPER.createObjectNode();
        all.set("machine", machine());
        JsonNode stack = read(dir.resolve("stack.json"));
        stack.fields().forEachRemaining(e -> all.set(e.getKey(), e.getValue()));
        JsonNode api = read(dir.resolve("api-scale.json"));
        all.set("api_scale", api.path("api_scale").isObject() ? api.get("api_scale") : api);
        all.set("api_scale_settings", api.path("settings"));
        all.set("llm_budget", read(dir.resolve("llm-budget.json")));
        all.set("recovery", recovery(dir.resolve("recovery.log")));
        all.set("hostile", read(dir.resolve("hostile.json")));
        ObjectNode jmh = jmh(dir.resolve("jmh-agents.json"));
        all.set("agents_jmh", jmh);
        JsonNode pipeline = all.path("pipeline");
        if (pipeline instanceof ObjectNode p && jmh.has("allAgentsOnOneMessage")) {
            double jmhRate = jmh.get("allAgentsOnOneMessage").asDouble();
            p.put(
                    "capacity_over_jmh",
                    Math.round(1000.0 * p.path("capacity_msgs_per_s").asDouble() / jmhRate)
                            / 1000.0);
            double floorCpu = all.path("floor").path("cpu_ms_per_msg").asDouble();
            if (floorCpu > 0) {
                // The product does the floor's work and the agents' work at the least: with a data
                // path that added nothing else, its CPU per message would be the floor's plus the
                // agents' one-thread time, and both jobs being CPU-bound on the same cores, its
                // capacity ÷ the floor's at most this.
                double agentsMs = 1000.0 / jmhRate;
                p.put(
                        "floor_ratio_ceiling",
                        Math.round(1000.0 * floorCpu / (floorCpu + agentsMs)) / 1000.0);
            }
        }
        Files.writeString(
                dir.resolve("results.json"),
                MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        // Text blocks continue lines with their indentation: one space between words is enough.
        Files.writeString(doc, markdown(all).replaceAll("(\\S) {2,}", "$1 "));
        System.out.println("wrote " + dir.resolve("results.json") + " and " + doc);
    }

    private static JsonNode read(Path file) throws IOException {
        return Files.exists(file) ? MAPPER.readTree(file.toFile()) : MAPPER.createObjectNode();
    }

    private static ObjectNode machine() throws IOException {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String cpu = "";
        Path info = Path.of("/proc/cpuinfo");
        if (Files.exists(info)) {
            cpu =
                    Files.readAllLines(info).stream()
                            .filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).strip())
                            .findFirst()
                            .orElse("");
        }
        m.put("cpu", cpu);
        Path mem = Path.of("/proc/meminfo");
        if (Files.exists(mem)) {
            Files.readAllLines(mem).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .ifPresent(
                            l ->
                                    m.put(
                                            "memory_gib",
                                            Math.round(
                                                    Long.parseLong(l.replaceAll("\\D", ""))
                                                            / 1024.0
                                                            / 1024.0)));
        }
        m.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("date", LocalDate.now().toString());
        return m;
    }

    private static ObjectNode recovery(Path log) throws IOException {
        ObjectNode r = MAPPER.createObjectNode();
        if (Files.exists(log)) {
            Matcher m = RECOVERY.matcher(Files.readString(log));
            if (m.find()) {
                r.put("taskmanager_kill_recovery_ms", Long.parseLong(m.group(3)));
                r.put("lost", Long.parseLong(m.group(1)));
                r.put("double_counted", Long.parseLong(m.group(2)));
            }
        }
        return r;
    }

    private static ObjectNode jmh(Path file) throws IOException {
        ObjectNode out = MAPPER.createObjectNode();
        if (!Files.exists(file)) {
            return out;
        }
        for (JsonNode run : MAPPER.readTree(file.toFile())) {
            String name = run.get("benchmark").asText();
            out.put(
                    name.substring(name.lastIndexOf('.') + 1),
                    Math.round(run.at("/primaryMetric/score").asDouble()));
        }
        return out;
    }

    private static String f(JsonNode node, String field, String format) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull()
                ? "n/a"
                : String.format(Locale.ROOT, format, v.asDouble());
    }

    /**
     * An ingest rate's rounds, each one's p99 in the order run, and their median; empty for results
     * of one run per rate.
     */
    static String roundsOf(JsonNode run) {
        JsonNode rounds = run.path("rounds");
        if (rounds.size() < 2) {
            return "";
        }
        List<String> p99s = new ArrayList<>();
        rounds.forEach(round -> p99s.add(f(round, "p99_ms", "%.1f")));
        return String.format(
                Locale.ROOT,
                "; %d rounds back to back, each one's p99 %s ms, median %s",
                rounds.size(),
                String.join(" / ", p99s),
                f(run, "p99_ms_median_of_rounds", "%.1f"));
    }

    /**
     * An ingest run's slow POSTs split by who measured them in the same run: the load generator,
     * the API's request timer, Kafka's acknowledgements and the API's collector pauses; empty for
     * results without them.
     */
    static String postTail(JsonNode run) {
        if (!run.has("posts_over_20ms")) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "; over 20 ms: %d POSTs from when due, %d sent that late by the load generator,"
                        + " %d handled by the API, %d of %d Kafka acknowledgements; API pauses %d,"
                        + " %d ms in all",
                run.path("posts_over_20ms").asLong(),
                run.path("sent_over_20ms_late").asLong(),
                run.path("handled_over_20ms").asLong(),
                run.path("acks_over_20ms").asLong(),
                run.path("acks").asLong(),
                run.path("api_gc_pauses").asLong(),
                run.path("api_gc_pause_ms").asLong());
    }

    private static String markdown(JsonNode all) {
        JsonNode m = all.get("machine");
        JsonNode pipeline = all.path("pipeline");
        JsonNode floor = all.path("floor");
        JsonNode jmh = all.path("agents_jmh");
        JsonNode llm = all.get("llm_budget");
        JsonNode rec = all.get("recovery");
        StringBuilder d = new StringBuilder("# Benchmarks\n\n");
        d.append("Written by `make bench` on ")
                .append(m.path("date").asText())
                .append(". Raw figures: `target/bench/results.json`; logs of each process:")
                .append(" `target/bench/logs/`.\n\n## Machine\n\n")
                .append(m.path("cores").asText())
                .append(" cores (")
                .append(m.path("cpu").asText())
                .append("), ")
                .append(m.path("memory_gib").asText())
                .append(" GiB, ")
                .append(m.path("jdk").asText())
                .append(", ")
                .append(m.path("os").asText())
                .append(
                        ". Kafka, the job and the API each run in their own JVM on this one machine;"
                                + " the load generator is a fourth; each runs the JVM's default collector (G1), the broker with"
                                + " the pause goal Kafka's own scripts set, the API of the end-to-end runs with"
                                + " its image's (20 ms). Absolute figures move 2 to 3"
                                + " times between machines here: the goals are ratios measured in"
                                + " the same run.\n\n");
        d.append(
                """
                ## Method

                * **Capacity**: %s conversations pre-loaded to %s messages each, then a burst of %s                 messages, all written to the raw topic before a job starts. The floor job (same                 source, parse and `keyBy`, a RocksDB `ValueState<Long>` count, one small JSON                 record out through the same sink settings) and the product read the same records                 from the same offsets, alternately, in %s rounds. Each round starts fresh job JVMs, one per configuration (the floor, the product, the product without analytics), as JMH forks: one job's profile never compiles another's code, and no figure hangs on how one JVM happened to compile. In each round they warm up in turns, at least three runs each and %s s in all, before the measured runs. A                 run's rate is taken from its output topic's offsets between 10 %% and 90 %% of                 the burst; CPU per message from `/proc/<pid>/stat` of the job's and the broker's                 JVMs over the same interval, the broker's without its log cleaner, which compacts in bursts whenever a segment of a compacted topic fills and would land on whichever run was measured then (the floor's too, whose topic is not compacted): the cleaner's CPU over all the capacity runs is charged to the product's messages of those runs instead, and shown apart. Medians, with ranges. The API is not running.
                * **End to end**: the product job and the API (its own JVM) run; messages are                 posted open loop (due at `t0 + i/rate`, latency from then: no coordinated                 omission) over 32 keep-alive connections to 1,000 new conversations for %s s, and                 each is timed until the tenant-wide WebSocket shows every agent reflecting it;                 messages never shown count at the deadline (10 s after the last send). Before them, the fresh stack runs the same way at %s msg/s, %s runs, until the compilers of its four JVMs settle; those runs are reported apart. Each run starts once the job has caught up with the runs before it (a marker message in each of 16 new conversations analysed); the wait is in the raw figures.
                * **Ingest**: `POST /v1/messages` → `202` at fixed rates, the job processing the same stream, from a job that has caught up.
                * **Webhooks**: a rule firing on every customer message, each message a new conversation, 100 msg/s open loop for the run's length; two such runs warm the fresh stack first (their p99s are reported beside).
                * **Agents**: JMH, one thread, `AgentsBenchmark.allAgentsOnOneMessage`: PII                 detection and redaction, the message's signals, the fold into its context and                 every agent's answer, as the job runs them.
                * **API at scale** (`make bench-api`): a generator writes a million conversations                 (aggregate and transcript slots, 100 tenants) straight to the compacted topics; the                 API alone (its own JVM, -Xmx512m and its image's 20 ms pause goal) catches up from an empty store, then serves                 open-loop `GET …/insights`, list pages (filters, cursors) and searches, then 1,000                 tenant-wide WebSockets while 500 aggregates/s are written (delay from the write to                 each session's frame), then restarts on its store.

                """
                        .formatted(
                                all.at("/settings/conversations").asText(),
                                all.at("/settings/preload").asText(),
                                all.at("/settings/burst").asText(),
                                all.at("/settings/rounds").asText(),
                                all.at("/settings/warmupSeconds").asText(),
                                all.at("/settings/e2eSeconds").asText(),
                                all.at("/settings/e2eWarmupRate").asText(),
                                all.at("/settings/e2eWarmupRuns").asText()));
        d.append("## Results against the goals\n\n| figure | goal | measured |\n|---|---|---|\n");
        d.append(
                row(
                        "capacity ÷ floor capacity",
                        "≥ 0.5",
                        f(pipeline, "floor_ratio", "%.3f")
                                + " (per round "
                                + pipeline.path("floor_ratio_per_round")
                                + "): product "
                                + f(pipeline, "capacity_msgs_per_s", "%.0f")
                                + " msg/s "
                                + pipeline.path("capacity_range")
                                + ", floor "
                                + f(floor, "capacity_msgs_per_s", "%.0f")
                                + " msg/s "
                                + floor.path("capacity_range")));
        d.append(
                row(
                        "capacity ÷ floor capacity at most, with the agents' own work as the only"
                                + " cost beyond the floor's",
                        "—",
                        f(pipeline, "floor_ratio_ceiling", "%.3f")
                                + ": the floor's CPU per message ÷ (the floor's + the agents'"
                                + " one-thread JMH time, "
                                + f(floor, "cpu_ms_per_msg", "%.4f")
                                + " ms + 1 ÷ "
                                + f(jmh, "allAgentsOnOneMessage", "%.0f")
                                + " msg/s)"));
        d.append(
                row(
                        "capacity ÷ JMH all agents (one thread)",
                        "≥ 0.12",
                        f(pipeline, "capacity_over_jmh", "%.2f")
                                + " (JMH "
                                + f(jmh, "allAgentsOnOneMessage", "%.0f")
                                + " msg/s)"));
        d.append(
                row(
                        "CPU per message (job + Kafka)",
                        "—",
                        "product "
                                + f(pipeline, "cpu_ms_per_msg", "%.4f")
                                + " ms "
                                + pipeline.path("cpu_ms_per_msg_by_process")
                                + ", of which the broker's log cleaner "
                                + f(pipeline, "kafka_cleaner_cpu_ms_per_msg", "%.4f")
                                + " ms; floor "
                                + f(floor, "cpu_ms_per_msg", "%.4f")
                                + " ms "
                                + floor.path("cpu_ms_per_msg_by_process")
                                + "; bytes per record: aggregate "
                                + f(pipeline.path("record_bytes"), "aggregate", "%.0f")
                                + ", transcript slot "
                                + f(pipeline.path("record_bytes"), "transcript", "%.0f")
                                + ", input "
                                + f(pipeline.path("record_bytes"), "input", "%.0f")
                                + ", floor's output "
                                + f(floor, "output_record_bytes", "%.0f")));
        d.append(
                row(
                        "capacity with `AGENT_TOPICS=true`",
                        "—",
                        f(pipeline, "with_agent_topics_capacity_msgs_per_s", "%.0f") + " msg/s"));
        for (JsonNode r : all.path("e2e").path("runs")) {
            d.append(
                    e2eRow(
                            r,
                            "at "
                                    + Math.round(r.path("load_fraction").asDouble() * 100)
                                    + " % of capacity",
                            r.path("load_fraction").asDouble() == 0.5
                                    ? "p50 ≤ 20 ms, p99 ≤ 100 ms"
                                    : "—"));
        }
        for (JsonNode r : all.path("e2e").path("fixed_rate_runs")) {
            d.append(e2eRow(r, "at a fixed rate", "—"));
        }
        int warm = 0;
        for (JsonNode r : all.path("e2e_warmup_runs")) {
            d.append(e2eRow(r, "warm-up run " + ++warm + " of the fresh stack", "—"));
        }
        JsonNode rules = all.path("rules");
        if (rules.isObject()) {
            d.append(
                    row(
                            "POST → signed webhook received at "
                                    + rules.path("rate").asText()
                                    + " msg/s (a rule firing on every message)",
                            "p99 ≤ 500 ms",
                            "p50 "
                                    + f(rules, "webhook_p50_ms", "%.1f")
                                    + " ms, p99 "
                                    + f(rules, "webhook_p99_ms", "%.1f")
                                    + " ms, max "
                                    + f(rules, "webhook_max_ms", "%.1f")
                                    + " ms ("
                                    + rules.path("samples").asText()
                                    + " messages, "
                                    + rules.path("unseen_at_deadline").asText()
                                    + " unseen at the deadline, "
                                    + rules.path("bad_signatures").asText()
                                    + " bad signatures; POST → aggregate on Kafka p99 "
                                    + f(rules, "aggregate_on_kafka_p99_ms", "%.1f")
                                    + " ms, → alert on Kafka p99 "
                                    + f(rules, "alert_on_kafka_p99_ms", "%.1f")
                                    + " ms, POST → 202 p99 "
                                    + f(rules, "post_202_p99_ms", "%.1f")
                                    + " ms; the run after "
                                    + all.path("rules_warmup_runs").size()
                                    + " like it on the fresh stack, whose webhook p99s were "
                                    + warmups(all.path("rules_warmup_runs"))
                                    + ")"));
        }
        JsonNode analytics = all.path("analytics");
        if (analytics.isObject()) {
            d.append(
                    row(
                            "analytics: the job's CPU per message, with ÷ without − 1",
                            "≤ 0.10",
                            f(analytics, "cpu_overhead", "%.3f")
                                    + " (the median of "
                                    + analytics.path("rounds").asText()
                                    + " rounds run in turns, each "
                                    + analytics.path("cpu_overhead_per_round").toString()
                                    + "; the medians' ratio "
                                    + f(analytics, "cpu_overhead_ratio_of_medians", "%.3f")
                                    + ": "
                                    + f(analytics, "job_cpu_ms_per_msg_with", "%.4f")
                                    + " vs "
                                    + f(analytics, "job_cpu_ms_per_msg_without", "%.4f")
                                    + " ms; capacity with ÷ without "
                                    + f(analytics, "capacity_ratio_with_to_without", "%.3f")
                                    + ")"));
        }
        for (JsonNode r : all.path("ingest").path("runs")) {
            d.append(
                    row(
                            "POST → 202 at " + r.path("rate").asText() + " req/s, job processing",
                            r.path("rate").asInt() == 1000 ? "p99 ≤ 20 ms" : "—",
                            "p50 "
                                    + f(r, "p50_ms", "%.2f")
                                    + " ms, p99 "
                                    + f(r, "p99_ms", "%.2f")
                                    + " ms, p99.9 "
                                    + f(r, "p999_ms", "%.2f")
                                    + " ms ("
                                    + r.path("samples").asText()
                                    + " requests, "
                                    + r.path("errors").asText()
                                    + " errors"
                                    + roundsOf(r)
                                    + postTail(r)
                                    + ")"));
        }
        d.append(
                row(
                        "job after the end-to-end runs",
                        "RUNNING, no exception",
                        all.path("job").path("after_end_to_end").asText("n/a")
                                + " (status, exception-history entries)"));
        d.append(hostileRow(all.path("hostile")));
        d.append(
                row(
                        "TaskManager `kill -9` → processing again",
                        "0 lost, 0 double",
                        f(rec, "taskmanager_kill_recovery_ms", "%.0f")
                                + " ms (lost "
                                + f(rec, "lost", "%.0f")
                                + ", double-counted "
                                + f(rec, "double_counted", "%.0f")
                                + ")"));
        d.append(
                row(
                        "Gemini budget at saturation (fake, "
                                + f(llm, "rpm_limit", "%.0f")
                                + " RPM, 2 subtasks)",
                        "≥ 90 % used, never over",
                        "first minute "
                                + (f(llm, "budget_used_first_minute", "%.2f").equals("n/a")
                                        ? "n/a"
                                        : String.format(
                                                Locale.ROOT,
                                                "%.0f %%",
                                                llm.path("budget_used_first_minute").asDouble()
                                                        * 100))
                                + "; busiest minute "
                                + f(llm, "busiest_minute_requests", "%.0f")
                                + " requests; "
                                + f(llm, "requests_throttled_429", "%.0f")
                                + " × 429; "
                                + f(llm, "llm_calls_per_customer_message", "%.2f")
                                + " calls per customer message"));
        d.append(
                row(
                        "Tenant token budget at saturation (fake, "
                                + f(llm, "token_budget_per_minute", "%.0f")
                                + " tokens/min, 2 subtasks)",
                        "≥ 95 % used, 0 over",
                        "busiest minute "
                                + (llm.has("token_budget_used")
                                        ? String.format(
                                                Locale.ROOT,
                                                "%.1f %%",
                                                llm.path("token_budget_used").asDouble() * 100)
                                        : "n/a")
                                + " used ("
                                + f(llm, "token_busiest_minute_tokens", "%.0f")
                                + " tokens), "
                                + f(llm, "over_budget_tokens", "%.0f")
                                + " over budget"));
        d.append(apiRows(all.path("api_scale"), all.path("api_scale_settings")));
        d.append("\nOffline agents, JMH, one thread (messages/s): ");
        jmh.fields()
                .forEachRemaining(
                        e -> d.append(e.getKey()).append(" ").append(e.getValue()).append(" · "));
        d.append(busiestThreads(all.path("e2e").path("fixed_rate_runs")));
        d.append("\n\n").append(READING);
        return d.toString();
    }

    /** A hostile tenant beside a calm one ({@code make bench-hostile}). */
    private static String hostileRow(JsonNode h) {
        if (h.isMissingNode() || h.isEmpty()) {
            return "";
        }
        JsonNode attack = h.path("phases").path("under_attack");
        JsonNode onset = h.path("phases").path("onset");
        return row(
                "a calm tenant's POST → WebSocket p99 while another tenant attacks (its limit "
                        + h.path("hostile_limit_msgs_per_s").asText()
                        + " msg/s, flooding at "
                        + h.path("flood_rate_msgs_per_s").asText()
                        + " msg/s) ÷ without it",
                "≤ " + h.path("p99_ratio_goal").asText(),
                f(h, "p99_ratio", "%.2f")
                        + ": p99 "
                        + f(attack, "p99_ms", "%.1f")
                        + " ms under the attack ("
                        + attack.path("sent").asText()
                        + " messages at "
                        + h.path("calm_rate_msgs_per_s").asText()
                        + " msg/s, seen "
                        + attack.path("seen").asText()
                        + "), against "
                        + f(h, "quiet_p99_ms", "%.1f")
                        + " ms (the quiet phases' mean, at least the "
                        + f(h, "p99_target_ms", "%.0f")
                        + " ms target); in the attack's first "
                        + h.path("onset_seconds").asText()
                        + " s p99 "
                        + f(onset, "p99_ms", "%.1f")
                        + " ms; checkpoints under the attack: "
                        + h.path("checkpoints_under_attack").asText("n/a"));
    }

    /** The API alone over the generated conversations ({@code make bench-api}). */
    private static String apiRows(JsonNode a, JsonNode settings) {
        if (a.isMissingNode() || a.isEmpty()) {
            return "";
        }
        StringBuilder d = new StringBuilder();
        String n = a.path("conversations").asText();
        d.append(
                row(
                        "API heap used after catch-up (" + n + " conversations)",
                        "≤ 512 MB",
                        f(a, "heap_used_mb", "%.0f")
                                + " MB (store "
                                + f(a, "store_mb", "%.0f")
                                + " MB on disk, -Xmx"
                                + settings.path("heap").asText()
                                + ")"));
        d.append(
                row(
                        "API restart → ready, store present",
                        "≤ 20 s",
                        f(a, "restart_ready_s", "%.1f")
                                + " s (heap after "
                                + f(a, "heap_used_after_restart_mb", "%.0f")
                                + " MB)"));
        d.append(
                row(
                        "API cold start → ready, empty store",
                        "reported",
                        f(a, "cold_ready_s", "%.0f") + " s"));
        d.append(apiQueryRow(a.path("insights"), "`GET …/insights`", "≤ 10 ms"));
        d.append(apiQueryRow(a.path("list"), "list page", "≤ 20 ms"));
        d.append(apiQueryRow(a.path("search"), "search page", "≤ 50 ms"));
        JsonNode ws = a.path("ws");
        d.append(
                row(
                        ws.path("sessions").asText()
                                + " tenant-wide WebSockets at "
                                + ws.path("updates_per_s").asText()
                                + " updates/s: delay",
                        "p99 ≤ 250 ms, heap bounded",
                        percentiles(ws, "%.1f")
                                + ", max "
                                + f(ws, "max_ms", "%.0f")
                                + " ms ("
                                + ws.path("samples").asText()
                                + " deliveries; seen "
                                + ws.path("deliveries_seen").asText()
                                + " of "
                                + ws.path("deliveries_expected").asText()
                                + "); heap with sessions "
                                + f(ws, "heap_used_with_sessions_mb", "%.0f")
                                + " MB; API CPU "
                                + f(ws, "api_cpu_ms_per_delivery", "%.3f")
                                + " ms per delivery"));
        return d.toString();
    }

    private static String apiQueryRow(JsonNode q, String what, String goal) {
        return row(
                what + " at " + q.path("rate").asText() + " req/s",
                "p99 " + goal,
                percentiles(q, "%.2f")
                        + " ("
                        + q.path("samples").asText()
                        + " requests, "
                        + q.path("errors").asText()
                        + " errors; API CPU "
                        + f(q, "api_cpu_ms_per_request", "%.2f")
                        + " ms per request)");
    }

    /**
     * The first fixed-rate run's busiest threads of each process, CPU ms per message: where a
     * message's cost goes when the stack keeps up.
     */
    static String busiestThreads(JsonNode fixedRateRuns) {
        JsonNode run = fixedRateRuns.path(0);
        JsonNode byProcess = run.path("cpu_ms_per_msg_by_thread");
        if (byProcess.isMissingNode()) {
            return "";
        }
        StringBuilder s =
                new StringBuilder(
                        "\nWhere a message's CPU went end to end at "
                                + run.path("rate").asText()
                                + " msg/s, the busiest threads of each process (ms per message):");
        byProcess
                .fields()
                .forEachRemaining(
                        process -> {
                            s.append("\n* ").append(process.getKey()).append(": ");
                            List<String> threads = new ArrayList<>();
                            process.getValue()
                                    .fields()
                                    .forEachRemaining(
                                            t ->
                                                    threads.add(
                                                            "`"
                                                                    + t.getKey()
                                                                    + "` "
                                                                    + t.getValue().asText()));
                            s.append(String.join(", ", threads));
                        });
        return s.append('\n').toString();
    }

    private static String e2eRow(JsonNode r, String where, String goal) {
        return row(
                "POST → WebSocket, all agents, "
                        + where
                        + " ("
                        + r.path("rate").asText()
                        + " msg/s)",
                goal,
                percentiles(r, "%.1f")
                        + " ("
                        + r.path("samples").asText()
                        + " samples; seen "
                        + r.path("seen").asText()
                        + " of "
                        + r.path("sent").asText()
                        + "); POST p50 "
                        + f(r, "post_p50_ms", "%.1f")
                        + " ms, p99 "
                        + f(r, "post_p99_ms", "%.1f")
                        + " ms; CPU ms/msg "
                        + r.path("cpu_ms_per_msg_by_process")
                        + (r.has("jit_ms_per_msg_by_process")
                                ? ", of which the JIT compilers "
                                        + r.path("jit_ms_per_msg_by_process")
                                : "")
                        + (r.has("stack_cpu_ms_per_msg")
                                ? ", together "
                                        + f(r, "stack_cpu_ms_per_msg", "%.3f")
                                        + ": "
                                        + r.path("cores").asText()
                                        + " cores carry at most "
                                        + r.path("stack_limit_msgs_per_s").asText()
                                        + " msg/s at that cost"
                                : "")
                        + (r.has("kafka_requests_per_msg")
                                ? "; broker requests per message "
                                        + r.path("kafka_requests_per_msg")
                                : ""));
    }

    private static String percentiles(JsonNode r, String format) {
        return "p50 " + f(r, "p50_ms", format) + " ms, p99 " + f(r, "p99_ms", format) + " ms";
    }

    private static String row(String figure, String goal, String measured) {
        return "| " + figure + " | " + goal + " | " + measured + " |\n";
    }

    /** How to read the figures; kept with the generator so the document always carries it. */
    private static final String READING =
            """
            ## Reading these figures

            * The floor is a bare Flink job: per message it parses JSON, crosses one network \
            exchange, reads and writes a `Long` in RocksDB and writes a 70-byte record. The \
            product does all of that plus PII detection and redaction, the message's signals, \
            the fold into a bounded context, every agent's answer, an aggregate (its size is in \
            the CPU row; on long conversations mostly the PII entities and the sentiment trend, \
            bounded by `AGGREGATE_PII_ENTITIES` and `AGGREGATE_TREND_POINTS`) and a transcript \
            record. Its CPU per message is what those cost; see `docs/architecture.md` for the \
            shape and `make bench-profile` for a profile (a run apart from this one).
            * Both jobs are CPU-bound on the same two cores, so capacity ÷ floor capacity is \
            close to the floor's CPU per message ÷ the product's. The product cannot cost less \
            than the floor plus the agents' own work, which JMH measures on one hot thread; the \
            ceiling row is that bound. While the agents alone cost about as much per message as \
            the floor's whole data path, no data path reaches 0.5: the agents would have to get \
            cheaper.
            * End to end, every process shares the two cores: the broker, the job, the API \
            (ingest, its two views, the WebSocket) and the load generator. Once the offered rate \
            exceeds what the whole stack can do together, an open-loop measurement shows the \
            queue: those latencies are backlog, not per-message cost. The fixed-rate runs show \
            where the stack keeps up.
            * Each POST → 202 rate runs in rounds back to back (`-Dbench.ingestRounds`, 3 of \
            `-Dbench.ingestSeconds`, 15 s), each round new messages to new conversations, so the \
            job analyses every one (a message id posted again would be a duplicate it skips); the \
            figures are over all the rate's POSTs, each round's p99 and their median beside them.
            * A POST → 202 row splits its tail by who measured what in the same run: the POSTs \
            over 20 ms from when they were due (the figure), those the load generator began \
            sending more than 20 ms late (all 32 connections of its fixed pool busy with earlier \
            POSTs, or its threads waiting for a core), those the API spent over 20 ms on (its \
            request timer, from routing to answer), the messages Kafka acknowledged after 20 ms \
            (the API's produce timer) and the API's collector pauses. A slow POST neither late \
            from the generator nor slow in the API waited in between: on the network or for the \
            API to read it, on two shared cores mostly for a core.
            * A message costs far more CPU at light load than at capacity (compare the fixed-rate \
            rows with the CPU row): batches are small, so the cost is per request and per \
            wake-up. Each run records where, by each process's busiest threads \
            (`cpu_ms_per_msg_by_thread`; the first fixed-rate run's are listed above): the \
            broker's request threads \
            (`data-plane-kafk…`; the end-to-end rows give the requests it served per message, \
            `kafka_requests_per_msg`), the \
            clients' network threads (`kafka-producer-…`), the job's fetcher, output flusher and \
            task threads, the API's request handling (`ForkJoinPool-…`, its virtual threads' \
            carriers), store feed and flush. The JIT compilers (`C# CompilerThre…`) of JVMs a few \
            minutes old are often the largest single item; each run reports them apart \
            (`jit_ms_per_msg_by_process`) because a long-running deployment has finished them.
            """;

    /** The webhook p99s of the warm-up runs, in ms. */
    private static String warmups(JsonNode runs) {
        List<String> p99 = new ArrayList<>();
        for (JsonNode r : runs) {
            p99.add(f(r, "webhook_p99_ms", "%.1f") + " ms");
        }
        return p99.isEmpty() ? "none" : String.join(", ", p99);
    }
}
