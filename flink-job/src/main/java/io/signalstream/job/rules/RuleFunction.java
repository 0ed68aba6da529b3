package io.signalstream.job.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.signalstream.job.records.RuleInput;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.model.Alert;
import io.signalstream.model.Json;
import io.signalstream.model.Sender;
import io.signalstream.model.Topics;
import io.signalstream.model.rules.Rule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates each tenant's rules on every aggregate version of its conversations and raises alerts
 * on {@code support.alerts}.
 *
 * <p>The rules arrive from the compacted {@code support.rules} topic as broadcast state (tenant →
 * its rules' JSON), so a change is in effect on the next event, without a restart, and is part of
 * every checkpoint. Per conversation the keyed state holds, for each rule that fired, when it last
 * did (the cooldown, in the triggers' own time so a replay decides the same) and — only for tenants
 * with {@code waiting} or {@code text} conditions — what those read: the latest aggregate and the
 * customer's latest message, and one processing-time timer at the next wait's deadline, so
 * "customer waiting" fires with no new message. An agent's (or the system's) message ends the wait
 * and the timer.
 *
 * <p>An alert's id is derived from the rule (and when it was written), the conversation and the
 * trigger ({@code message:<epoch>:<version>} or {@code waiting:<epoch>:<seq>:<deadline>}): a replay
 * raises the same ids, which readers keep once. A rule record that cannot be read is counted and
 * skipped; no rule can fail the job.
 */
public final class RuleFunction
        extends KeyedBroadcastProcessFunction<String, RuleInput, SourceRecord, SinkRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleFunction.class);

    /** The broadcast state: tenant → (rule id → the rule's stored JSON). */
    public static final MapStateDescriptor<String, Map<String, String>> RULES =
            new MapStateDescriptor<>("rules", Types.STRING, Types.MAP(Types.STRING, Types.STRING));

    /** Header naming the alert's id, so readers can keep one per id without parsing. */
    public static final String HEADER_ALERT_ID = "alert_id";

    /** Tenants whose compiled rules a subtask keeps at most. */
    static final int MAX_CACHED_TENANTS = 10_000;

    private transient MapState<String, Long> fired;
    private transient ValueState<RuleInput> memory;
    private transient ValueState<Long> deadline;
    private transient Map<String, List<Rule>> compiled;
    private transient ObjectMapper mapper;
    private transient ObjectWriter alerts;
    private transient Counter raised;
    private transient Counter invalidRules;

    @Override
    public void open(OpenContext openContext) {
        fired =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>("fired", Types.STRING, Types.LONG));
        memory =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "memory", TypeInformation.of(RuleInput.class)));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        compiled = new HashMap<>();
        mapper = Json.newMapper();
        alerts = mapper.writerFor(Alert.class);
        raised = getRuntimeContext().getMetricGroup().counter("alertsRaised");
        invalidRules = getRuntimeContext().getMetricGroup().counter("rulesInvalid");
    }

    @Override
    public void processBroadcastElement(SourceRecord record, Context ctx, Collector<SinkRecord> out)
            throws Exception {
        String key = RuleKey.text(record.key());
        RuleKey parts = RuleKey.of(key);
        if (parts == null) {
            invalidRules.inc();
            LOG.warn("Skipping a rule record whose key is not tenant/id: '{}'", key);
            return;
        }
        String tenant = parts.tenant();
        String id = parts.id();
        BroadcastState<String, Map<String, String>> state = ctx.getBroadcastState(RULES);
        Map<String, String> rules = new HashMap<>();
        Map<String, String> known = state.get(tenant);
        if (known != null) {
            rules.putAll(known);
        }
        if (record.value() == null) {
            rules.remove(id);
        } else {
            String json = new String(record.value(), StandardCharsets.UTF_8);
            try {
                Rule rule = Rule.compile(mapper.readTree(json));
                if (!rule.tenantId().equals(tenant) || !rule.id().equals(id)) {
                    throw new IllegalArgumentException(
                            "its tenant_id/id differ from its key " + key);
                }
                rules.put(id, json);
            } catch (Exception e) {
                invalidRules.inc();
                LOG.warn("Skipping rule {}: {}", key, e.getMessage());
                return;
            }
        }
        if (rules.isEmpty()) {
            state.remove(tenant);
        } else {
            state.put(tenant, rules);
        }
        compiled.remove(tenant);
    }

    @Override
    public void processElement(RuleInput in, ReadOnlyContext ctx, Collector<SinkRecord> out)
            throws Exception {
        if (in.cleared()) {
            forget(ctx.timerService());
            return;
        }
        List<Rule> rules = rules(ctx.getBroadcastState(RULES), in.tenantId());
        if (rules.isEmpty()) {
            // no state is read or written for a tenant without rules; what a deleted rule left
            // goes when the conversation expires
            return;
        }
        boolean remembers = rules.stream().anyMatch(RuleFunction::remembers);
        RuleInput now = remembers ? merge(memory.value(), in) : in;
        if (remembers) {
            memory.update(now);
            arm(ctx.timerService(), rules, now, -1);
        } else if (memory.value() != null) {
            memory.clear();
            disarm(ctx.timerService());
        }
        if (in.aggregate() == null) {
            return;
        }
        JsonNode aggregate = mapper.readTree(in.aggregate());
        Instant at = Instant.ofEpochMilli(in.messageAtMs());
        Rule.Facts facts = new Rule.Facts(aggregate, now.text(), waitingSince(now), at);
        String trigger = "message:" + in.epoch() + ":" + in.version();
        for (Rule rule : rules) {
            if (rule.matches(facts)) {
                raise(rule, now, aggregate, at, Alert.TRIGGER_MESSAGE, trigger, out);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SinkRecord> out)
            throws Exception {
        Long due = deadline.value();
        if (due == null || timestamp < due) {
            return; // a timer of an earlier wait that a new message replaced
        }
        deadline.clear();
        RuleInput now = memory.value();
        if (now == null || now.aggregate() == null || waitingSince(now) == null) {
            return;
        }
        List<Rule> rules = rules(ctx.getBroadcastState(RULES), now.tenantId());
        JsonNode aggregate = mapper.readTree(now.aggregate());
        Instant at = Instant.ofEpochMilli(due);
        Rule.Facts facts = new Rule.Facts(aggregate, now.text(), waitingSince(now), at);
        String trigger = "waiting:" + now.epoch() + ":" + now.seq() + ":" + due;
        for (Rule rule : rules) {
            if (rule.waits().stream().anyMatch(w -> now.messageAtMs() + w.toMillis() == due)
                    && rule.matches(facts)) {
                raise(rule, now, aggregate, at, Alert.TRIGGER_WAITING, trigger, out);
            }
        }
        arm(ctx.timerService(), rules, now, due);
    }

    /** A rule needs the conversation remembered between events: it waits or reads text. */
    private static boolean remembers(Rule rule) {
        return !rule.waits().isEmpty() || rule.readsText();
    }

    /**
     * What the rules know after {@code in}: its aggregate (or the last one), and the customer's
     * latest message, still waiting unless an agent or the system wrote since.
     */
    static RuleInput merge(RuleInput known, RuleInput in) {
        if (known == null) {
            return in;
        }
        byte[] aggregate = in.aggregate() != null ? in.aggregate() : known.aggregate();
        long epoch = in.aggregate() != null ? in.epoch() : known.epoch();
        long version = in.aggregate() != null ? in.version() : known.version();
        if (in.sender() == Sender.CUSTOMER) {
            return in.withAggregate(aggregate, epoch, version);
        }
        if (in.sender() != null) {
            // answered: no longer waiting, the customer's words stay what text rules read
            return new RuleInput(
                    in.key(),
                    in.tenantId(),
                    in.conversationId(),
                    false,
                    aggregate,
                    epoch,
                    version,
                    in.sender(),
                    in.messageAtMs(),
                    in.seq(),
                    known.text());
        }
        return known.withAggregate(aggregate, epoch, version);
    }

    private static Instant waitingSince(RuleInput now) {
        return now.sender() == Sender.CUSTOMER ? Instant.ofEpochMilli(now.messageAtMs()) : null;
    }

    /**
     * Sets the one timer of the conversation at the next wait's deadline after {@code after}; none
     * when the customer is not waiting. A deadline more than its own wait in the past (a replay of
     * history) is skipped: waits are for conversations happening now.
     */
    private void arm(TimerService timers, List<Rule> rules, RuleInput now, long after)
            throws Exception {
        disarm(timers);
        if (waitingSince(now) == null) {
            return;
        }
        long current = timers.currentProcessingTime();
        long next = Long.MAX_VALUE;
        for (Rule rule : rules) {
            for (Duration wait : rule.waits()) {
                long due = now.messageAtMs() + wait.toMillis();
                if (due > after && due >= current - wait.toMillis() && due < next) {
                    next = due;
                }
            }
        }
        if (next != Long.MAX_VALUE) {
            deadline.update(next);
            timers.registerProcessingTimeTimer(Math.max(next, current));
        }
    }

    private void disarm(TimerService timers) throws Exception {
        Long due = deadline.value();
        if (due != null) {
            long current = timers.currentProcessingTime();
            timers.deleteProcessingTimeTimer(Math.max(due, current));
            // a timer set at "now" for a passed deadline cannot be found again: when it fires it
            // finds no deadline, or a later one, and does nothing
            deadline.clear();
        }
    }

    private void forget(TimerService timers) throws Exception {
        disarm(timers);
        fired.clear();
        memory.clear();
    }

    private void raise(
            Rule rule,
            RuleInput now,
            JsonNode aggregate,
            Instant at,
            String kind,
            String trigger,
            Collector<SinkRecord> out)
            throws Exception {
        Long last = fired.get(rule.id());
        if (last != null && at.toEpochMilli() - last < rule.cooldown().toMillis()) {
            return;
        }
        fired.put(rule.id(), at.toEpochMilli());
        Alert alert =
                new Alert(
                        Alert.id(
                                now.tenantId(),
                                rule.id(),
                                rule.updatedAt(),
                                now.conversationId(),
                                trigger),
                        rule.id(),
                        rule.name(),
                        now.tenantId(),
                        now.conversationId(),
                        rule.severity(),
                        at,
                        aggregate.path("version").asLong(),
                        aggregate.path("epoch").asLong(),
                        aggregate.path("message_count").asLong(),
                        kind,
                        false,
                        rule.webhooks());
        raised.inc();
        out.collect(
                new SinkRecord(
                        Topics.ALERTS,
                        alert.key().getBytes(StandardCharsets.UTF_8),
                        alerts.writeValueAsBytes(alert),
                        List.of(SinkRecord.Header.of(HEADER_ALERT_ID, alert.id()))));
    }

    /** The tenant's rules, compiled once per change, in id order. */
    private List<Rule> rules(
            ReadOnlyBroadcastState<String, Map<String, String>> state, String tenant)
            throws Exception {
        List<Rule> rules = compiled.get(tenant);
        if (rules != null) {
            return rules;
        }
        if (compiled.size() >= MAX_CACHED_TENANTS) {
            compiled.clear(); // a cache: the broadcast state is the truth
        }
        rules = new ArrayList<>();
        Map<String, String> stored = state.get(tenant);
        if (stored != null) {
            for (String json : stored.values()) {
                try {
                    rules.add(Rule.compile(mapper.readTree(json)));
                } catch (Exception e) {
                    invalidRules.inc(); // checked when it arrived; only a changed product fails
                }
            }
        }
        rules.sort(Comparator.comparing(Rule::id));
        rules = List.copyOf(rules);
        compiled.put(tenant, rules);
        return rules;
    }
}
