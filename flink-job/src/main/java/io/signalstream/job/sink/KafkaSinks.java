package io.signalstream.job.sink;

import io.signalstream.job.JobConfig;
import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationState;
import io.signalstream.model.Topics;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Writes every output to its Kafka topic. At-least-once by default (lowest latency); exactly-once
 * with Kafka transactions when configured, in which case readers use {@code read_committed}.
 */
public final class KafkaSinks implements Sinks {

    /** Must stay below the broker's {@code transaction.max.timeout.ms} (15 minutes by default). */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    private final JobConfig config;

    public KafkaSinks(JobConfig config) {
        this.config = config;
    }

    @Override
    public void conversationStates(DataStream<ConversationState> states) {
        String topic = topic(Topics.CONVERSATIONS_STATE);
        states.sinkTo(
                        sink(
                                "state",
                                new JsonRecordSerializer<ConversationState>(
                                        s -> topic, ConversationState::key, s -> s)))
                .uid("sink-conversation-state")
                .name("sink " + topic);
    }

    @Override
    public void agentResults(DataStream<AgentEvent> results) {
        String prefix = config.topicPrefix();
        results.sinkTo(
                        sink(
                                "agents",
                                new JsonRecordSerializer<AgentEvent>(
                                        e -> Topics.prefixed(prefix, Topics.forAgent(e.agent())),
                                        AgentEvent::key,
                                        AgentEvent::toResult)))
                .uid("sink-agent-results")
                .name("sink support.ai.<agent>");
    }

    @Override
    public void aggregates(DataStream<AggregatedIntelligence> aggregates) {
        String topic = topic(Topics.AI_AGGREGATED);
        aggregates
                .sinkTo(
                        sink(
                                "aggregated",
                                new JsonRecordSerializer<AggregatedIntelligence>(
                                        a -> topic, AggregatedIntelligence::key, a -> a)))
                .uid("sink-aggregated")
                .name("sink " + topic);
    }

    @Override
    public void expiredAggregates(DataStream<String> keys) {
        String topic = topic(Topics.AI_AGGREGATED);
        keys.sinkTo(
                        sink(
                                "aggregated-tombstones",
                                new JsonRecordSerializer<String>(k -> topic, k -> k, k -> null)))
                .uid("sink-aggregated-tombstones")
                .name("sink " + topic + " tombstones");
    }

    @Override
    public void deadLetters(DataStream<DeadLetter> deadLetters) {
        deadLetters
                .sinkTo(sink("dlq", new DeadLetterSerializer(topic(Topics.DLQ))))
                .uid("sink-dlq")
                .name("sink " + topic(Topics.DLQ));
    }

    private String topic(String name) {
        return Topics.prefixed(config.topicPrefix(), name);
    }

    private <T> KafkaSink<T> sink(String name, KafkaRecordSerializationSchema<T> serializer) {
        Properties props = config.kafkaClientProperties();
        props.put("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        var builder =
                KafkaSink.<T>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setKafkaProducerConfig(props)
                        .setRecordSerializer(serializer);
        if (config.exactlyOnce()) {
            builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + name);
        } else {
            builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return builder.build();
    }
}
