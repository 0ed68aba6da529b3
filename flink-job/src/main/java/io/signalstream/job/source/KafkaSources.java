package io.signalstream.job.source;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.model.Topics;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The source on {@code support.messages.raw}. */
public final class KafkaSources {

    private KafkaSources() {}

    /**
     * Records of the raw topic, resuming from the checkpoint's offsets; a job without state starts
     * where {@code START_FROM} says: the group's committed offsets (committed at each checkpoint,
     * else the earliest), the earliest, or the latest.
     */
    public static KafkaSource<SourceRecord> messages(KafkaSettings kafka) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topic(Topics.MESSAGES_RAW))
                .setGroupId(kafka.groupId())
                .setStartingOffsets(
                        switch (kafka.startFrom()) {
                            case "earliest" -> OffsetsInitializer.earliest();
                            case "latest" -> OffsetsInitializer.latest();
                            default ->
                                    OffsetsInitializer.committedOffsets(
                                            OffsetResetStrategy.EARLIEST);
                        })
                .setDeserializer(new SourceRecordDeserializer())
                .setProperties(kafka.clientProperties())
                .setProperty("isolation.level", "read_committed")
                .setProperty("fetch.min.bytes", Integer.toString(kafka.fetchMinBytes()))
                .setProperty("fetch.max.wait.ms", Integer.toString(kafka.fetchMaxWaitMs()))
                .build();
    }

    /**
     * The tenants' rules on the compacted {@code support.rules}, read from its start (the latest
     * record per rule is the rule); after a restore from the checkpoint's offsets. Offsets are not
     * committed: this source is no consumer group's work.
     */
    public static KafkaSource<SourceRecord> rules(KafkaSettings kafka) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topic(Topics.RULES))
                .setGroupId(kafka.groupId() + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new SourceRecordDeserializer())
                .setProperties(kafka.clientProperties())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
    }
}
