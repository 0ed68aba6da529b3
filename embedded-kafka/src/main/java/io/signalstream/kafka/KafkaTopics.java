package io.signalstream.kafka;

import io.signalstream.model.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates the product's topics: compaction where only the latest record per key matters. */
public final class KafkaTopics {

    private KafkaTopics() {}

    /**
     * Creates every topic in {@link Topics#ALL} (with {@code prefix}) that does not exist yet.
     *
     * @param partitions partitions per topic; bounds the useful parallelism of the job
     */
    public static void ensureAll(String bootstrapServers, String prefix, int partitions) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> toCreate = new ArrayList<>();
            for (String topic : Topics.ALL) {
                String name = Topics.prefixed(prefix, topic);
                if (existing.contains(name)) {
                    continue;
                }
                NewTopic newTopic = new NewTopic(name, partitions, (short) 1);
                if (Topics.COMPACTED.contains(topic)) {
                    newTopic.configs(
                            Map.of(
                                    TopicConfig.CLEANUP_POLICY_CONFIG,
                                    TopicConfig.CLEANUP_POLICY_COMPACT,
                                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                                    "60000"));
                }
                toCreate.add(newTopic);
            }
            if (!toCreate.isEmpty()) {
                admin.createTopics(toCreate).all().get(60, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create topics on " + bootstrapServers + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
