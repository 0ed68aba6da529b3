package io.signalstream.job;

import io.signalstream.job.agents.AgentProvider;
import io.signalstream.job.agents.gemini.GeminiProvider;
import io.signalstream.job.agents.local.LocalProvider;
import io.signalstream.job.aggregate.AggregatorFunction;
import io.signalstream.job.analytics.AnalyticsCombiner;
import io.signalstream.job.analytics.AnalyticsFunction;
import io.signalstream.job.config.JobConfig;
import io.signalstream.job.conversation.ConversationFunction;
import io.signalstream.job.conversation.ConversationOperator;
import io.signalstream.job.parse.ParseFunction;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.RuleInput;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.rules.RuleBook;
import io.signalstream.job.rules.RuleFunction;
import io.signalstream.job.sink.KafkaSinks;
import io.signalstream.job.sink.Sinks;
import io.signalstream.job.source.KafkaSources;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SignalStream job: one keyed pass per message and one network exchange.
 *
 * <pre>
 * Kafka source ─ parse, validate, redact, read signals ─(rejected)─> support.dlq
 *      │ keyBy(tenant/conversation)   ← the only shuffle
 * conversation (dedupe, context, expiry, model-call planning) ─ agents (one async call)
 *      ─ aggregator (one version per answer) ─ one producer: every output topic
 *              │ (forward, same key)
 *            rules ← broadcast: support.rules ─ producer: support.alerts
 *              │ (chained: partial buckets per subtask, out each second and before each barrier)
 *              │ keyBy(tenant)
 *            analytics (minute/hour/day buckets) ─ producer: support.analytics
 * </pre>
 *
 * Everything from the {@code keyBy} to the output producer is one chain on the conversation's key;
 * the rules are a second vertex (an operator with a broadcast input cannot join a chain), fed by a
 * forward edge that carries only what the rules read: the steps of tenants that have rules ({@link
 * io.signalstream.job.rules.RuleTenants}), none with {@code RULES=false}; analytics a third, fed by
 * at most one partial bucket per tenant, granularity and subtask a second. {@code JobGraphTest}
 * fails if any breaks.
 */
public final class SignalStreamJob {

    private static final Logger LOG = LoggerFactory.getLogger(SignalStreamJob.class);

    /** How often checkpoints are taken when the cluster configuration does not say. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    /** Operator uids: savepoints and checkpoints map state by them, so they never change. */
    public static final String UID_SOURCE = "source-messages-raw";

    public static final String UID_PARSE = "parse-messages";
    public static final String UID_CONVERSATION = "conversation";
    public static final String UID_AGGREGATOR = "aggregator";
    public static final String UID_RULES_SOURCE = "source-rules";
    public static final String UID_RULES = "rules";
    public static final String UID_ANALYTICS_COMBINER = "analytics-combiner";
    public static final String UID_ANALYTICS = "analytics";

    private SignalStreamJob() {}

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.from(args, System.getenv());
        LOG.info("Starting SignalStream job with {}", config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            // Without checkpoints a restart would lose or repeat work; never run without them.
            LOG.warn("No checkpoint interval configured; using {}", DEFAULT_CHECKPOINT_INTERVAL);
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        defineWorkflow(
                env,
                KafkaSources.messages(config.kafka()),
                RuleBook.kafka(config.kafka()),
                new KafkaSinks(config.kafka(), config.output()),
                config);
        env.execute("SignalStream conversation intelligence");
    }

    /** The agents' provider {@code AI_PROVIDER} names: the one place a provider is chosen. */
    public static AgentProvider provider(JobConfig config) {
        return switch (config.provider()) {
            case LOCAL -> new LocalProvider(config.conversations(), config.otlpEndpoint());
            case GEMINI ->
                    new GeminiProvider(
                            config.gemini(),
                            config.agents(),
                            config.conversations(),
                            config.kafka(),
                            config.otlpEndpoint());
        };
    }

    /**
     * Builds the whole pipeline. {@code main} calls it with Kafka; tests call it with a bounded
     * source and collecting sinks.
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            Source<SourceRecord, ?, ?> source,
            RuleBook rules,
            Sinks sinks,
            JobConfig config) {
        // Every stream type is an immutable record whose serializer copies by reference, so
        // chained operators pass objects as they are.
        env.getConfig().enableObjectReuse();
        AgentProvider provider = provider(config);

        SingleOutputStreamOperator<InboundMessage> messages =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "support.messages.raw")
                        .uid(UID_SOURCE)
                        .process(
                                new ParseFunction(
                                        config.conversations().phoneRegion(),
                                        config.otlpEndpoint()))
                        .uid(UID_PARSE)
                        .name("parse, validate, redact");
        sinks.rejected(messages.getSideOutput(ParseFunction.DEAD_LETTERS));

        SingleOutputStreamOperator<AgentRequest> requests =
                messages.keyBy(InboundMessage::key)
                        .transform(
                                "conversation",
                                TypeInformation.of(AgentRequest.class),
                                new ConversationOperator(
                                        new ConversationFunction(
                                                config.conversations(),
                                                provider.planner(),
                                                provider.contextFold(),
                                                provider.keepsWindow())))
                        .uid(UID_CONVERSATION)
                        .name("conversation");

        SingleOutputStreamOperator<AgentResults> answers = provider.attach(requests);

        // The answers are still partitioned by conversation (forward, chained): keyed again
        // without a shuffle.
        SingleOutputStreamOperator<SinkRecord> outputs =
                DataStreamUtils.reinterpretAsKeyedStream(
                                answers, r -> r.request().key(), Types.STRING)
                        .process(
                                new AggregatorFunction(
                                        config.conversations(),
                                        provider.modelParts(),
                                        config.output().agentTopics(),
                                        config.output().analytics(),
                                        config.output().rules() ? rules.tenants() : null,
                                        config.otlpEndpoint()))
                        .uid(UID_AGGREGATOR)
                        .name("aggregate");
        sinks.outputs(outputs);

        if (config.output().rules()) {
            rules(env, rules.source(), outputs, sinks);
        } else {
            LOG.warn(
                    "Rules are off (RULES=false): no rule in support.rules is evaluated, no alert"
                            + " raised");
        }

        // Analytics: each subtask combines its messages into partial buckets (chained to the
        // aggregator), a tenant's partials merge by tenant.
        if (!config.output().analytics()) {
            return;
        }
        SingleOutputStreamOperator<SinkRecord> analytics =
                outputs.getSideOutput(AggregatorFunction.ANALYTICS)
                        .transform(
                                "combine analytics",
                                Types.TUPLE(
                                        Types.STRING,
                                        Types.LONG,
                                        Types.PRIMITIVE_ARRAY(Types.BYTE)),
                                new AnalyticsCombiner())
                        .uid(UID_ANALYTICS_COMBINER)
                        .keyBy(t -> t.f0, Types.STRING)
                        .process(new AnalyticsFunction())
                        .uid(UID_ANALYTICS)
                        .name("analytics");
        sinks.analytics(analytics);
    }

    /**
     * Rules: broadcast to every subtask, evaluated on each aggregate version by key (forward, no
     * shuffle of the data path); alerts go to their own producer.
     */
    private static void rules(
            StreamExecutionEnvironment env,
            Source<SourceRecord, ?, ?> rules,
            SingleOutputStreamOperator<SinkRecord> outputs,
            Sinks sinks) {
        BroadcastStream<SourceRecord> ruleBook =
                env.fromSource(rules, WatermarkStrategy.noWatermarks(), "support.rules")
                        .uid(UID_RULES_SOURCE)
                        .setParallelism(1)
                        .broadcast(RuleFunction.RULES);
        SingleOutputStreamOperator<SinkRecord> alerts =
                DataStreamUtils.reinterpretAsKeyedStream(
                                outputs.getSideOutput(AggregatorFunction.RULE_INPUTS),
                                RuleInput::key,
                                Types.STRING)
                        .connect(ruleBook)
                        .process(new RuleFunction())
                        .uid(UID_RULES)
                        .name("rules");
        sinks.alerts(alerts);
    }
}
