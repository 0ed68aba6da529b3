package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest record of every conversation on one compacted topic, read by one Kafka consumer per
 * API instance from the beginning. The record with the highest {@code order} per key wins, so a
 * replayed or duplicated record never moves the view backwards; a tombstone removes the key.
 * Subscribers (WebSocket sessions) hear of each change on the consumer thread and must not block.
 *
 * <p>Keys are {@code tenant/conversation}; the view is indexed by tenant so a tenant's reads never
 * touch another tenant's entries.
 */
public class CompactedView<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedView.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);

    private final Properties consumerProps;
    private final String topic;
    private final Class<T> type;
    private final Function<T, String> keyOf;
    private final ToLongFunction<T> order;
    private final ObjectMapper mapper = Json.newMapper();

    /** tenant → key → latest record. */
    private final Map<String, Map<String, T>> byTenant = new ConcurrentHashMap<>();

    private final Map<String, Set<Consumer<T>>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Set<Consumer<T>>> tenantSubscribers = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile long lag;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    protected CompactedView(
            ApiSettings settings,
            String topicName,
            Class<T> type,
            Function<T, String> keyOf,
            ToLongFunction<T> order) {
        this.topic = topicName;
        this.type = type;
        this.keyOf = keyOf;
        this.order = order;
        Properties props = settings.clientProperties();
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Works for the job's at-least-once and exactly-once (transactional) sinks alike.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        this.consumerProps = props;
        this.thread = Thread.ofPlatform().name("view-" + topicName).daemon().unstarted(this::run);
    }

    /** Starts reading; returns at once. {@link #caughtUp()} tells when the history is loaded. */
    public void start() {
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Optional<T> get(String key) {
        Map<String, T> tenant = byTenant.get(tenantOf(key));
        return tenant == null ? Optional.empty() : Optional.ofNullable(tenant.get(key));
    }

    /** Every entry of one tenant, in no particular order. */
    public Collection<T> all(String tenant) {
        Map<String, T> entries = byTenant.get(tenant);
        return entries == null ? List.of() : List.copyOf(entries.values());
    }

    public int size() {
        return byTenant.values().stream().mapToInt(Map::size).sum();
    }

    /** Records on the topic not read yet, measured every few seconds. */
    public long lag() {
        return lag;
    }

    static String tenantOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    /** Whether everything on the topic when the view started has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Calls {@code listener} with every newer record of one key until the handle closes. */
    public AutoCloseable subscribe(String key, Consumer<T> listener) {
        return register(subscribers, key, listener);
    }

    /** Calls {@code listener} with every newer record of any of a tenant's keys. */
    public AutoCloseable subscribeTenant(String tenant, Consumer<T> listener) {
        return register(tenantSubscribers, tenant, listener);
    }

    private static <T> AutoCloseable register(
            Map<String, Set<Consumer<T>>> registry, String key, Consumer<T> listener) {
        registry.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () ->
                registry.computeIfPresent(
                        key,
                        (k, set) -> {
                            set.remove(listener);
                            return set.isEmpty() ? null : set;
                        });
    }

    /** Applies one record; returns whether it changed the view. */
    boolean apply(T incoming) {
        String key = keyOf.apply(incoming);
        boolean[] changed = {false};
        byTenant.computeIfAbsent(tenantOf(key), t -> new ConcurrentHashMap<>())
                .compute(
                        key,
                        (k, current) -> {
                            if (current == null
                                    || order.applyAsLong(incoming) > order.applyAsLong(current)) {
                                changed[0] = true;
                                return incoming;
                            }
                            return current;
                        });
        if (changed[0]) {
            notify(subscribers.get(key), incoming, key);
            notify(tenantSubscribers.get(tenantOf(key)), incoming, key);
        }
        return changed[0];
    }

    private static <T> void notify(Set<Consumer<T>> listeners, T incoming, String key) {
        if (listeners == null) {
            return;
        }
        for (Consumer<T> l : listeners) {
            try {
                l.accept(incoming);
            } catch (RuntimeException e) {
                LOG.warn("a subscriber of {} failed: {}", key, e.toString());
            }
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps)) {
                consumer = c;
                consume(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn(
                        "view consumer on {} failed, retrying in {}: {}",
                        topic,
                        RETRY,
                        e.toString());
                sleepQuietly(RETRY);
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> c) {
        List<PartitionInfo> partitions = c.partitionsFor(topic);
        while (running && (partitions == null || partitions.isEmpty())) {
            LOG.info("waiting for topic {} to exist", topic);
            sleepQuietly(RETRY);
            partitions = c.partitionsFor(topic);
        }
        List<TopicPartition> assigned =
                partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(assigned);
        c.seekToBeginning(assigned);
        Map<TopicPartition, Long> target = new HashMap<>(c.endOffsets(assigned));
        long lagMeasured = 0;
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                handle(record);
            }
            if (System.nanoTime() - lagMeasured > LAG_EVERY.toNanos()) {
                lagMeasured = System.nanoTime();
                long behind = 0;
                for (Map.Entry<TopicPartition, Long> end : c.endOffsets(assigned).entrySet()) {
                    behind += Math.max(0, end.getValue() - c.position(end.getKey()));
                }
                lag = behind;
            }
            if (!caughtUp) {
                target.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (target.isEmpty()) {
                    caughtUp = true;
                    LOG.info("view caught up with {}: {} conversations", topic, size());
                }
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            // A tombstone: the job forgot an idle conversation.
            if (record.key() != null) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                Map<String, T> tenant = byTenant.get(tenantOf(key));
                if (tenant != null) {
                    tenant.remove(key);
                }
            }
            return;
        }
        try {
            apply(mapper.readValue(record.value(), type));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn(
                    "skipping unreadable record at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
