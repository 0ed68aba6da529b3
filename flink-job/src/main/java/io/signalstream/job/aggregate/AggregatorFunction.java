package io.signalstream.job.aggregate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.SpanKind;
import io.signalstream.job.analytics.Granularity;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.config.JobTracing;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.AnalyticsEvent;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.ModelParts;
import io.signalstream.job.records.ResponseTimes;
import io.signalstream.job.records.RuleInput;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.TranscriptLine;
import io.signalstream.job.rules.RuleTenants;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.AgentResult;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.AuditEvent;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Json;
import io.signalstream.model.PiiResult;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.Topics;
import io.signalstream.model.Tracing;
import io.signalstream.model.TranscriptEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The last keyed step, chained after the agents on the same key (no shuffle): writes one aggregate
 * version per answer ({@link AggregateBuilder}), the message's transcript slot, each agent's result
 * when {@code AGENT_TOPICS} is on, and a dead letter for what failed or fell back. When the
 * conversation operator expires a conversation it removes all of it from the compacted topics.
 *
 * <p>An erasure does the same and records on {@code support.audit} that it is done.
 *
 * <p>Under the local provider it keeps no state at all; under a model provider it keeps the model's
 * parts ({@link ModelParts}) and, for {@link #CLEARED_TTL} after an expiry or erasure, the epoch of
 * the life that ended: a model answer to a request of that life or an earlier one is dropped, so
 * nothing written for the old conversation comes back (a new life has a later epoch).
 */
public final class AggregatorFunction
        extends KeyedProcessFunction<String, AgentResults, SinkRecord> {
    private static final long serialVersionUID = 1L;

    private final ConversationSettings conversations;
    private final boolean modelParts;
    private final boolean agentTopics;
    private final boolean analytics;
    private final RuleTenants rules;
    private final String otlpEndpoint;

    /** What the rules read of each step ({@link io.signalstream.job.rules.RuleFunction}). */
    public static final OutputTag<RuleInput> RULE_INPUTS =
            new OutputTag<>("rule-inputs", TypeInformation.of(RuleInput.class));

    /** What each analysed message adds to its tenant's analytics ({@code analytics/}). */
    public static final OutputTag<AnalyticsEvent> ANALYTICS =
            new OutputTag<>("analytics", TypeInformation.of(AnalyticsEvent.class));

    /** How far past the job's clock a message's own time may be before the clock is taken. */
    static final long MAX_CLOCK_SKEW_MS = 60_000;

    /** Longer than any model call can be in flight (the agents' timeout spans every attempt). */
    static final Duration CLEARED_TTL = Duration.ofHours(1);

    /** Bits of {@link #counted}: what the analytics have counted of this conversation's life. */
    static final int ESCALATION_COUNTED = 1;

    static final int RESOLUTION_COUNTED = 2;

    static final int PII_COUNTED = 4;

    private transient ValueState<ModelParts> parts;
    private transient ValueState<Byte> counted;
    private transient CountedBits known;
    private transient ValueState<Long> clearedAt;
    private transient Counter lateAnswersDropped;
    private transient AggregateBuilder builder;
    private transient Outputs outputs;
    private transient ObjectMapper mapper;
    private transient Counter emitted;
    private transient Counter deadLettered;
    private transient Tracing tracing;

    /**
     * @param conversations the transcript's slots per conversation and the aggregate's lists
     * @param modelParts whether answers arrive apart from messages (a model provider)
     * @param agentTopics whether each agent's result also goes to {@code support.ai.<agent>}
     * @param analytics whether each message's analytics event goes to {@link #ANALYTICS} (off: none
     *     is built)
     * @param rules which tenants' steps go to {@link #RULE_INPUTS} as a {@link RuleInput} (those
     *     that may have rules, and every expiry); null when the rules are off: none is built
     * @param otlpEndpoint where the aggregate writes' spans go; null for none
     */
    public AggregatorFunction(
            ConversationSettings conversations,
            boolean modelParts,
            boolean agentTopics,
            boolean analytics,
            RuleTenants rules,
            String otlpEndpoint) {
        this.conversations = conversations;
        this.modelParts = modelParts;
        this.agentTopics = agentTopics;
        this.analytics = analytics;
        this.rules = rules;
        this.otlpEndpoint = otlpEndpoint;
    }

    @Override
    public void open(OpenContext openContext) {
        if (modelParts) {
            parts =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("model-parts", ModelParts.class));
            ValueStateDescriptor<Long> cleared =
                    new ValueStateDescriptor<>("cleared-at", Types.LONG);
            cleared.enableTimeToLive(StateTtlConfig.newBuilder(CLEARED_TTL).build());
            clearedAt = getRuntimeContext().getState(cleared);
        }
        if (analytics) {
            // Written only when a conversation first needs an escalation or is first resolved
            // (one byte, cleared with the conversation); never read for other messages.
            counted =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("analytics-counted", Types.BYTE));
            known = new CountedBits();
        }
        builder = new AggregateBuilder(conversations.piiEntities(), conversations.trendPoints());
        outputs = new Outputs();
        mapper = Json.newMapper();
        emitted = getRuntimeContext().getMetricGroup().counter("aggregatesEmitted");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
        lateAnswersDropped = getRuntimeContext().getMetricGroup().counter("lateAnswersDropped");
        tracing = JobTracing.acquire(otlpEndpoint);
        if (rules != null) {
            rules.open(getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks());
        }
    }

    @Override
    public void close() {
        tracing = JobTracing.release(otlpEndpoint, tracing);
        if (rules != null) {
            rules.close();
        }
    }

    @Override
    public void processElement(AgentResults r, Context ctx, Collector<SinkRecord> out)
            throws Exception {
        AgentRequest request = r.request();
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        if (request.kind() == AgentRequest.Kind.EXPIRE
                || request.kind() == AgentRequest.Kind.ERASE) {
            clear(request, out);
            if (rules == null) {
                return;
            }
            ctx.output(
                    RULE_INPUTS,
                    new RuleInput(
                            request.key(),
                            request.tenantId(),
                            request.conversationId(),
                            true,
                            null,
                            request.epoch(),
                            0,
                            null,
                            request.createdAtMs(),
                            request.seq(),
                            null));
            return;
        }
        if (modelParts && request.kind().modelCall()) {
            Long cleared = clearedAt.value();
            if (cleared != null && request.epoch() <= cleared) {
                lateAnswersDropped.inc();
                return;
            }
        }
        AggregatedIntelligence aggregate;
        if (!modelParts) {
            aggregate =
                    request.kind() == AgentRequest.Kind.MESSAGE ? builder.complete(r, now) : null;
        } else {
            AggregateBuilder.Step step =
                    request.kind() == AgentRequest.Kind.MESSAGE
                            ? builder.message(parts.value(), r, now)
                            : builder.answer(parts.value(), r, now);
            parts.update(step.parts());
            aggregate = step.aggregate();
        }
        aggregate = OperationsFormula.apply(aggregate, request.context());
        InboundMessage message = request.message();
        SinkRecord written = null;
        if (aggregate != null) {
            emitted.inc();
            String traceparent = message == null ? null : message.traceparent();
            if (traceparent == null) {
                written = outputs.aggregate(aggregate, null);
            } else {
                Tracing.Span span =
                        tracing.start("aggregate write", SpanKind.PRODUCER, traceparent)
                                .set(Tracing.TENANT, aggregate.tenantId())
                                .set(Tracing.CONVERSATION, aggregate.conversationId())
                                .set(Tracing.MESSAGE, message.messageId())
                                .set("signalstream.version", aggregate.version());
                written = outputs.aggregate(aggregate, span.traceparent());
                span.end();
            }
            out.collect(written);
        }
        if (rules != null
                && (written != null
                        || (request.kind() == AgentRequest.Kind.MESSAGE && message != null))
                && rules.mayHaveRules(request.tenantId())) {
            ctx.output(RULE_INPUTS, ruleInput(request, aggregate, written, now));
        }
        if (analytics) {
            int first =
                    aggregate == null
                            ? 0
                            : firstCounted(
                                    ctx.getCurrentKey(),
                                    request.epoch(),
                                    aggregate,
                                    request.context(),
                                    mayBeFirstPii(request));
            if (request.kind() == AgentRequest.Kind.MESSAGE
                    && message != null
                    && aggregate != null) {
                ctx.output(
                        ANALYTICS, analyticsEvent(request, aggregate, now.toEpochMilli(), first));
            } else if (first != 0) {
                // a model's later answer escalated or resolved the conversation
                ctx.output(
                        ANALYTICS,
                        AnalyticsEvent.turn(
                                request.tenantId(),
                                eventTime(message, now.toEpochMilli()),
                                (first & ESCALATION_COUNTED) != 0,
                                (first & RESOLUTION_COUNTED) != 0));
            }
            // only a model provider's calls cost anything
            AnalyticsEvent modelUse = modelParts ? modelUseEvent(r, now.toEpochMilli()) : null;
            if (modelUse != null) {
                ctx.output(ANALYTICS, modelUse);
            }
        }
        if (request.kind() == AgentRequest.Kind.MESSAGE && message != null) {
            out.collect(
                    outputs.transcript(
                            new TranscriptEntry(
                                    message.tenantId(),
                                    message.conversationId(),
                                    request.seq(),
                                    message.messageId(),
                                    message.sender(),
                                    message.channel(),
                                    message.timestamp(),
                                    storedText(r, message)),
                            conversations.window()));
        }
        if (agentTopics) {
            agentResults(r, now, out);
        }
        if (r.deadLetter() != null) {
            deadLettered.inc();
            out.collect(
                    Outputs.deadLetter(
                            request.key().getBytes(StandardCharsets.UTF_8),
                            failedRequest(request),
                            r.deadLetter(),
                            "agents." + request.kind().name().toLowerCase(Locale.ROOT),
                            "",
                            -1,
                            -1));
        }
    }

    /**
     * Whether a message may be the first of its conversation with personal data: it has some, and
     * the conversation's entities are all its own. The list keeps only the newest ({@code
     * AGGREGATE_PII_ENTITIES}), so a full list of a later message's looks the same: {@link
     * #PII_COUNTED} decides.
     */
    private static boolean mayBeFirstPii(AgentRequest request) {
        InboundMessage m = request.message();
        ConversationContext c = request.context();
        return request.kind() == AgentRequest.Kind.MESSAGE
                && m != null
                && m.pii() != null
                && !m.pii().isEmpty()
                && c != null
                && c.entities().size() <= m.pii().size();
    }

    /**
     * What of {@link #ESCALATION_COUNTED}, {@link #RESOLUTION_COUNTED} and {@link #PII_COUNTED}
     * this aggregate is the first of in the conversation's life: the analytics count each
     * conversation once as escalated, once as resolved and once as having personal data, however
     * many messages it lasts. The state is read only when the aggregate may be one of them, and
     * then only if {@link #known} does not hold it already.
     */
    private int firstCounted(
            String key,
            long epoch,
            AggregatedIntelligence a,
            ConversationContext c,
            boolean mayBeFirstPii)
            throws IOException {
        int now =
                (a.insights() != null && a.insights().requiresEscalation() ? ESCALATION_COUNTED : 0)
                        | (OperationsFormula.resolved(a, c != null && c.lastResolved())
                                ? RESOLUTION_COUNTED
                                : 0)
                        | (mayBeFirstPii ? PII_COUNTED : 0);
        if (now == 0) {
            return 0;
        }
        int was = known.get(key, epoch);
        if (was == CountedBits.UNKNOWN) {
            Byte before = counted.value();
            was = before == null ? 0 : before;
            known.put(key, epoch, was);
        }
        if ((now & ~was) == 0) {
            return 0;
        }
        counted.update((byte) (was | now));
        known.put(key, epoch, was | now);
        return now & ~was;
    }

    /** A message's own time, never later than the job's clock plus {@link #MAX_CLOCK_SKEW_MS}. */
    private static long eventTime(InboundMessage m, long nowMs) {
        return m == null || m.timestamp() == null
                ? nowMs
                : Math.min(m.timestamp().toEpochMilli(), nowMs + MAX_CLOCK_SKEW_MS);
    }

    /**
     * What a message's first aggregate adds to the tenant's analytics; {@code first} holds what the
     * conversation is first counted as with it ({@link #firstCounted}).
     */
    static AnalyticsEvent analyticsEvent(
            AgentRequest request, AggregatedIntelligence a, long nowMs, int first) {
        InboundMessage m = request.message();
        ConversationContext c = request.context();
        ResponseTimes t = c == null ? ResponseTimes.NONE : c.times();
        long at = eventTime(m, nowMs);
        long previous = t.previousMessageAtMs();
        int firstIn = 0;
        for (Granularity g : Granularity.values()) {
            if (request.seq() == 1 || previous == 0 || g.start(previous) != g.start(at)) {
                firstIn |= g.bit();
            }
        }
        boolean customer = m.sender() == Sender.CUSTOMER;
        SentimentResult sentiment = customer ? a.sentiment() : null;
        InsightsResult insights = customer ? a.insights() : null;
        return new AnalyticsEvent(
                request.tenantId(),
                at,
                m.sender(),
                request.seq() == 1,
                firstIn,
                sentiment == null ? null : sentiment.sentiment(),
                sentiment == null ? 0 : sentiment.score(),
                insights == null ? null : insights.intent(),
                insights == null ? null : insights.urgency(),
                (first & ESCALATION_COUNTED) != 0,
                (first & RESOLUTION_COUNTED) != 0,
                (first & PII_COUNTED) != 0,
                t.latestResponseMs() >= 0 && t.responses() == 1 ? t.firstResponseMs() : -1,
                t.latestResponseMs(),
                a.operations() == null || a.operations().predictedCsat() == null
                        ? 0
                        : a.operations().predictedCsat().score(),
                a.insights() == null ? null : a.insights().language(),
                null);
    }

    /**
     * What a model call cost its tenant, for the analytics (and {@code GET /v1/usage}); null when
     * the model was not called for these results.
     */
    static AnalyticsEvent modelUseEvent(AgentResults r, long nowMs) {
        boolean overBudget = r.answeredBy(null, AgentRun.LOCAL_BUDGET);
        boolean replayed = r.answeredBy(null, AgentRun.LOCAL_REPLAY);
        if (replayed || (r.usage() == null && !overBudget)) {
            return null; // the model was never meant to be asked
        }
        if (!overBudget && r.usage().attempts() == 0 && r.usage().inputTokens() == 0) {
            return null; // answered from an answer paid for before (the model answer cache)
        }
        long requests = r.usage() == null ? 0 : r.usage().attempts();
        return AnalyticsEvent.modelUse(
                r.request().tenantId(),
                nowMs,
                new AnalyticsEvent.ModelUse(
                        requests,
                        r.usage() == null ? 0 : r.usage().inputTokens(),
                        r.usage() == null ? 0 : r.usage().outputTokens(),
                        overBudget));
    }

    /**
     * What the rules read of this step: the aggregate as written, and the message it analysed (a
     * customer's text clipped to {@link RuleInput#MAX_TEXT}).
     */
    private static RuleInput ruleInput(
            AgentRequest request,
            AggregatedIntelligence aggregate,
            SinkRecord written,
            Instant now) {
        InboundMessage message =
                request.kind() == AgentRequest.Kind.MESSAGE ? request.message() : null;
        String text = null;
        if (message != null && message.sender() == Sender.CUSTOMER && message.text() != null) {
            text =
                    message.text().length() <= RuleInput.MAX_TEXT
                            ? message.text()
                            : message.text().substring(0, RuleInput.MAX_TEXT);
        }
        return new RuleInput(
                request.key(),
                request.tenantId(),
                request.conversationId(),
                false,
                written == null ? null : written.value(),
                aggregate == null ? request.epoch() : aggregate.epoch(),
                aggregate == null ? 0 : aggregate.version(),
                message == null ? null : message.sender(),
                message != null && message.timestamp() != null
                        ? message.timestamp().toEpochMilli()
                        : now.toEpochMilli(),
                request.seq(),
                text);
    }

    /**
     * Removes the conversation from the compacted topics: its aggregate and every transcript slot
     * it used (after an erasure of a conversation this job no longer knew, every slot there can
     * be). An erasure is then recorded as done.
     */
    private void clear(AgentRequest request, Collector<SinkRecord> out) throws Exception {
        boolean erase = request.kind() == AgentRequest.Kind.ERASE;
        if (modelParts) {
            parts.clear();
            // The ended life's epoch; state of earlier builds held the time of clearing, which
            // compares the same way (after every request of the life, before any of the next).
            clearedAt.update(request.epoch());
        }
        String key = request.key();
        if (analytics) {
            counted.clear();
            known.forget(key);
        }
        out.collect(Outputs.tombstone(Topics.AI_AGGREGATED, key));
        int window = conversations.window();
        long slots = erase && request.seq() == 0 ? window : Math.min(request.seq(), window);
        for (int slot = 0; slot < slots; slot++) {
            out.collect(Outputs.tombstone(Topics.TRANSCRIPT, TranscriptEntry.slotKey(key, slot)));
        }
        if (erase) {
            out.collect(
                    outputs.audit(
                            new AuditEvent(
                                    AuditEvent.ERASURE_DONE,
                                    request.message().messageId(),
                                    request.tenantId(),
                                    request.conversationId(),
                                    Instant.ofEpochMilli(request.createdAtMs()),
                                    request.seq())));
        }
    }

    /** Each answered agent's result as its envelope on {@code support.ai.<agent>}. */
    /**
     * The message's text as stored: redacted by the local detector already, and further where the
     * model found personal data it missed ({@code GEMINI_PII}).
     */
    private static String storedText(AgentResults r, InboundMessage message) {
        boolean byModel =
                r.pii() != null
                        && r.pii().redactedMessage() != null
                        && r.answeredBy(AgentKind.PII, AgentRun.GEMINI);
        return byModel ? r.pii().redactedMessage() : message.text();
    }

    private void agentResults(AgentResults r, Instant now, Collector<SinkRecord> out) {
        AgentRequest request = r.request();
        InboundMessage message = request.message();
        for (AgentRun run : r.runs()) {
            if (!run.answered()) {
                continue;
            }
            AgentOutput part =
                    switch (run.agent()) {
                        case SENTIMENT -> r.sentiment();
                        case PII ->
                                message == null
                                        ? null
                                        : new PiiResult(
                                                !message.pii().isEmpty(),
                                                message.pii(),
                                                message.text());
                        case INSIGHTS -> r.insights();
                        case SUMMARY -> r.summary();
                        case REPLY -> run.seq() == request.seq() ? r.reply() : null;
                    };
            if (part == null) {
                continue; // e.g. the reply to an earlier customer message, already written
            }
            out.collect(
                    outputs.agentResult(
                            new AgentResult(
                                    request.tenantId(),
                                    request.conversationId(),
                                    run.agent(),
                                    run.seq(),
                                    message == null ? null : message.messageId(),
                                    run.provider(),
                                    run.model(),
                                    run.latencyMs(),
                                    now,
                                    part,
                                    run.agent() == AgentKind.PII ? null : r.usage())));
        }
    }

    /** What a failed request was about, redacted, for the dead letter's value. */
    private byte[] failedRequest(AgentRequest request) throws Exception {
        ObjectNode node = mapper.createObjectNode();
        node.put("tenant_id", request.tenantId());
        node.put("conversation_id", request.conversationId());
        node.put("seq", request.seq());
        node.put("request", request.kind().name().toLowerCase(Locale.ROOT));
        if (request.message() != null) {
            node.put("message_id", request.message().messageId());
            node.put("message", request.message().text());
        }
        ArrayNode lines = node.putArray("transcript");
        for (TranscriptLine line : request.transcript()) {
            lines.addObject()
                    .put("seq", line.seq())
                    .put("sender", line.sender().wireName())
                    .put("message", line.text());
        }
        return mapper.writeValueAsBytes(node);
    }
}
