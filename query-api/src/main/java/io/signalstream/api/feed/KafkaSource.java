package io.signalstream.api.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a store was filled from: the Kafka cluster's id and each topic's id (which changes when a
 * topic is deleted and created again). A store saved from another source is emptied, not resumed.
 */
public final class KafkaSource {

    private KafkaSource() {}

    /**
     * Points {@code consumer} at each partition's saved position, or at its beginning when it has
     * none; returns how many partitions resume.
     */
    public static int seek(
            Consumer<?, ?> consumer,
            List<TopicPartition> partitions,
            Function<TopicPartition, Long> saved) {
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long position = saved.apply(tp);
            if (position == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, position);
            }
        }
        if (!fromStart.isEmpty()) {
            // (an empty list would mean every assigned partition)
            consumer.seekToBeginning(fromStart);
        }
        return partitions.size() - fromStart.size();
    }

    /** {@code <cluster id>|<topic>:<topic id>|...} of {@code topics}, in their order. */
    public static String of(Properties client, List<String> topics) {
        try (Admin admin = Admin.create(client)) {
            String clusterId = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
            StringBuilder source = new StringBuilder(clusterId);
            for (String topic : topics) {
                source.append('|').append(topic).append(':').append(described.get(topic).topicId());
            }
            return source.toString();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot describe the Kafka cluster and topics: " + e, e);
        }
    }
}
