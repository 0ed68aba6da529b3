package io.signalstream.kafka;

import io.signalstream.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** Creates the product's topics: compaction where only the latest record per key matters. */
public final class KafkaTopics {

    private KafkaTopics() {}

    /** A topic's settings: compaction, or the retention of {@link Topics#RETENTION}. */
    static Map<String, String> configs(String topic) {
        Duration retention = Topics.RETENTION.get(topic);
        if (Topics.COMPACTED.contains(topic)) {
            return retention == null
                    ? Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                            "60000")
                    : Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT
                                    + ","
                                    + TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                            "60000",
                            TopicConfig.RETENTION_MS_CONFIG,
                            Long.toString(retention.toMillis()));
        }
        return retention == null
                ? Map.of()
                : Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    /**
     * Topics created before they had an explicit retention get it, unless an operator set one: only
     * a retention that is still the broker's default is replaced.
     */
    private static void retain(Admin admin, String prefix, Set<String> existing)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<ConfigResource> resources = new ArrayList<>();
        for (String topic : Topics.RETENTION.keySet()) {
            String name = Topics.prefixed(prefix, topic);
            if (existing.contains(name)) {
                resources.add(new ConfigResource(ConfigResource.Type.TOPIC, name));
            }
        }
        if (resources.isEmpty()) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        Map<ConfigResource, Config> current =
                admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (ConfigResource resource : resources) {
            ConfigEntry entry = current.get(resource).get(TopicConfig.RETENTION_MS_CONFIG);
            if (entry == null || entry.isDefault()) {
                String topic = resource.name().substring(prefix == null ? 0 : prefix.length());
                changes.put(
                        resource,
                        List.of(
                                new AlterConfigOp(
                                        new ConfigEntry(
                                                TopicConfig.RETENTION_MS_CONFIG,
                                                configs(topic)
                                                        .get(TopicConfig.RETENTION_MS_CONFIG)),
                                        AlterConfigOp.OpType.SET)));
            }
        }
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        }
    }

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
                toCreate.add(new NewTopic(name, partitions, (short) 1).configs(configs(topic)));
            }
            if (!toCreate.isEmpty()) {
                admin.createTopics(toCreate).all().get(60, TimeUnit.SECONDS);
            }
            retain(admin, prefix, existing);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create topics on " + bootstrapServers + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
