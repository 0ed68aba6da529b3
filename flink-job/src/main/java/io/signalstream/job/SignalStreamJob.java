package io.signalstream.job;

import io.signalstream.job.agents.AgentCallFunction;
import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.agents.AgentOutcome;
import io.signalstream.job.agents.Agents;
import io.signalstream.job.agents.JitteredBackoff;
import io.signalstream.job.agents.OutcomeRouter;
import io.signalstream.job.agents.gemini.GeminiCallFunction;
import io.signalstream.job.agents.gemini.LlmPlanner;
import io.signalstream.job.agents.gemini.LlmTask;
import io.signalstream.job.aggregate.AggregatorFunction;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.job.parse.ParseMessageFunction;
import io.signalstream.job.sink.KafkaSinks;
import io.signalstream.job.sink.Sinks;
import io.signalstream.job.source.SourceRecord;
import io.signalstream.job.source.SourceRecordDeserializer;
import io.signalstream.job.state.ConversationStateFunction;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.SupportMessage;
import io.signalstream.model.Topics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SignalStream job: messages from Kafka, one state per conversation, AI agents called
 * asynchronously, one aggregate per conversation back to Kafka.
 */
public final class SignalStreamJob {

    private static final Logger LOG = LoggerFactory.getLogger(SignalStreamJob.class);

    /** How often checkpoints are taken when the cluster configuration does not say. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private SignalStreamJob() {}

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.from(args, System.getenv());
        Agents.check(config);
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
        defineWorkflow(env, kafkaSource(config), new KafkaSinks(config), config);
        env.execute("SignalStream conversation intelligence");
    }

    /** The Kafka source on {@code support.messages.raw}, resuming from committed offsets. */
    public static KafkaSource<SourceRecord> kafkaSource(JobConfig config) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(Topics.prefixed(config.topicPrefix(), Topics.MESSAGES_RAW))
                .setGroupId(config.groupId())
                // Checkpointed offsets win; committed ones are used by a fresh job, earliest by a
                // new group.
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new SourceRecordDeserializer())
                .setProperties(config.kafkaClientProperties())
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /**
     * Builds the whole pipeline. {@code main} calls it with Kafka; tests call it with a bounded
     * source and collecting sinks.
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            Source<SourceRecord, ?, ?> source,
            Sinks sinks,
            JobConfig config) {
        // Every stream type is immutable (records with fresh lists per record), so chained
        // operators may share objects instead of deep-copying each record for each of the six
        // outputs of the conversation state.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<SupportMessage> messages =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "support.messages.raw")
                        .uid("source-messages-raw")
                        .process(new ParseMessageFunction())
                        .uid("parse-messages")
                        .name("parse and validate");

        SingleOutputStreamOperator<ConversationUpdate> updates =
                messages.keyBy(SupportMessage::key)
                        .process(
                                new ConversationStateFunction(
                                        config.recentWindow(),
                                        config.conversationTtl(),
                                        config.phoneRegion()))
                        .uid("conversation-state")
                        .name("conversation state");
        sinks.conversationStates(
                updates.map(ConversationUpdate::state)
                        .uid("state-snapshots")
                        .name("state snapshot"));

        DataStream<DeadLetter> deadLetters =
                messages.getSideOutput(ParseMessageFunction.DEAD_LETTERS);
        DataStream<AgentEvent> results = null;
        for (AgentKind kind : Agents.perUpdate(config)) {
            SingleOutputStreamOperator<AgentEvent> agentResults = callAgent(updates, kind, config);
            deadLetters = deadLetters.union(agentResults.getSideOutput(OutcomeRouter.FAILED));
            results = results == null ? agentResults : results.union(agentResults);
        }
        if (Agents.GEMINI.equals(config.aiProvider())) {
            SingleOutputStreamOperator<AgentEvent> modelResults = callGemini(updates, config);
            deadLetters = deadLetters.union(modelResults.getSideOutput(OutcomeRouter.FAILED));
            results = results.union(modelResults);
        }
        sinks.agentResults(results);

        SingleOutputStreamOperator<AggregatedIntelligence> aggregates =
                results.keyBy(AgentEvent::key)
                        .process(
                                new AggregatorFunction(
                                        config.conversationTtl(), config.aggregateEmitInterval()))
                        .uid("aggregate")
                        .name("aggregate intelligence");
        sinks.aggregates(aggregates);
        sinks.expiredAggregates(aggregates.getSideOutput(AggregatorFunction.EXPIRED));
        sinks.deadLetters(deadLetters);
    }

    /**
     * One agent through {@link AsyncDataStream}: unordered (the aggregate orders by {@code seq}),
     * bounded in flight by the capacity, with exponential back-off retries of failed outcomes.
     */
    private static SingleOutputStreamOperator<AgentEvent> callAgent(
            DataStream<ConversationUpdate> updates, AgentKind kind, JobConfig config) {
        String name = kind.wireName();
        return AsyncDataStream.unorderedWaitWithRetry(
                        updates,
                        new AgentCallFunction(kind, config),
                        config.agentTimeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        config.agentCapacity(),
                        retries(config))
                .uid("agent-" + name)
                .name("agent " + name)
                .process(new OutcomeRouter())
                .uid("agent-" + name + "-router")
                .name("agent " + name + " results");
    }

    /**
     * The model's agents: a keyed planner picks the updates worth a call (one analysis per customer
     * message, summary-only calls for the rest after a pause), then one async operator calls Gemini
     * with coalescing, a fair share of the job's rate budget, retries and local fallback.
     */
    private static SingleOutputStreamOperator<AgentEvent> callGemini(
            DataStream<ConversationUpdate> updates, JobConfig config) {
        DataStream<LlmTask> tasks =
                updates.keyBy(ConversationUpdate::key)
                        .process(
                                new LlmPlanner(
                                        config.gemini().summaryQuiet(),
                                        config.gemini().summaryEvery(),
                                        config.conversationTtl()))
                        .uid("llm-planner")
                        .name("plan model calls");
        return AsyncDataStream.unorderedWaitWithRetry(
                        tasks,
                        new GeminiCallFunction(config),
                        config.agentTimeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        config.agentCapacity(),
                        retries(config))
                .uid("agent-gemini")
                .name("agents gemini")
                .process(new OutcomeRouter())
                .uid("agent-gemini-router")
                .name("agents gemini results");
    }

    private static AsyncRetryStrategy<AgentOutcome> retries(JobConfig config) {
        return new JitteredBackoff(
                config.agentMaxAttempts(),
                config.agentRetryDelay().toMillis(),
                config.agentRetryDelay().toMillis() * 32);
    }
}
