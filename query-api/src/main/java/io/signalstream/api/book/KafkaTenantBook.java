package io.signalstream.api.book;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.MessageLog.NotAcknowledged;
import io.signalstream.api.feed.TopicFollower;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant book on a compacted topic ({@code support.rules}, {@code support.webhooks}; key {@code
 * tenant/id}): a write returns once Kafka has it, and a reader thread follows the topic from its
 * start, so every API instance sees every instance's entries and a restart finds them all. The view
 * is one small JSON object per entry, at most {@link #limit} per tenant.
 */
public final class KafkaTenantBook implements TenantBook {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTenantBook.class);

    private final ObjectMapper mapper = Json.newMapper();
    private final String topic;
    private final Duration timeout;
    private final int limit;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicFollower follower;
    private final Map<String, Map<String, ObjectNode>> entries = new ConcurrentHashMap<>();

    /**
     * @param client the Kafka client settings (bootstrap servers, authentication)
     * @param timeout how long a write waits for Kafka
     * @param limit entries per tenant
     */
    public KafkaTenantBook(Properties client, String topic, Duration timeout, int limit) {
        this.topic = topic;
        this.timeout = timeout;
        this.limit = limit;
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // every wait bounded below the answer's deadline: metadata, the request, and delivery
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis() / 2));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis() / 2));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.follower = new TopicFollower(client, topic, this::apply);
    }

    public KafkaTenantBook start() {
        follower.start();
        return this;
    }

    @Override
    public int limit() {
        return limit;
    }

    /** Waits until the topic was read to its end once (what was written before is in). */
    public boolean awaitLoaded(Duration wait) throws InterruptedException {
        return follower.awaitLoaded(wait);
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        int slash = key.indexOf('/');
        if (slash < 0) {
            LOG.warn(
                    "a record of {} without tenant/id key at {}-{}",
                    topic,
                    r.partition(),
                    r.offset());
            return;
        }
        String tenant = key.substring(0, slash);
        String id = key.substring(slash + 1);
        if (r.value() == null) {
            Map<String, ObjectNode> own = entries.get(tenant);
            if (own != null) {
                own.remove(id);
            }
            return;
        }
        try {
            ObjectNode entry = (ObjectNode) mapper.readTree(r.value());
            Map<String, ObjectNode> own =
                    entries.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
            if (own.size() >= limit && !own.containsKey(id)) {
                LOG.warn(
                        "tenant {} has {} entries of " + topic + " already; {} is not loaded",
                        tenant,
                        own.size(),
                        id);
                return;
            }
            own.put(id, entry);
        } catch (IOException | ClassCastException e) {
            LOG.warn(
                    "an unreadable record of {} at {}-{}: {}",
                    topic,
                    r.partition(),
                    r.offset(),
                    e.toString());
        }
    }

    @Override
    public List<ObjectNode> list(String tenant) {
        return entries.getOrDefault(tenant, Map.of()).values().stream()
                .sorted(Comparator.comparing(r -> r.path("id").asText()))
                .toList();
    }

    @Override
    public Optional<ObjectNode> get(String tenant, String id) {
        return Optional.ofNullable(entries.getOrDefault(tenant, Map.of()).get(id));
    }

    @Override
    public synchronized boolean put(String tenant, String id, ObjectNode entry)
            throws NotAcknowledged, Full {
        Map<String, ObjectNode> own =
                entries.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
        boolean added = !own.containsKey(id);
        if (added && own.size() >= limit) {
            throw new Full(
                    "A tenant keeps at most "
                            + limit
                            + " "
                            + topic
                            + " entries; delete one first.");
        }
        try {
            send(key(tenant, id), mapper.writeValueAsBytes(entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        own.put(id, entry);
        return added;
    }

    @Override
    public synchronized boolean delete(String tenant, String id) throws NotAcknowledged {
        Map<String, ObjectNode> own = entries.get(tenant);
        if (own == null || !own.containsKey(id)) {
            return false;
        }
        send(key(tenant, id), null);
        own.remove(id);
        return true;
    }

    private void send(byte[] key, byte[] value) throws NotAcknowledged {
        try {
            producer.send(new ProducerRecord<>(topic, key, value))
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcknowledged("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new NotAcknowledged("Kafka did not confirm the write in time", e);
        }
    }

    private static byte[] key(String tenant, String id) {
        return ConversationKey.of(tenant, id).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        follower.close();
        producer.close(Duration.ofSeconds(5));
    }
}
