package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
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
 * The latest aggregate of every conversation, read by one Kafka consumer per API instance from the
 * compacted {@code support.ai.aggregated} topic, from the beginning. The highest {@code version}
 * per conversation wins, so a replayed or duplicated record never moves the view backwards.
 * Subscribers (WebSocket sessions) hear of each change on the consumer thread and must not block.
 */
public final class IntelligenceView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IntelligenceView.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Properties consumerProps;
    private final String topic;
    private final ObjectMapper mapper = Json.newMapper();
    private final Map<String, AggregatedIntelligence> latest = new ConcurrentHashMap<>();
    private final Map<String, Set<Consumer<AggregatedIntelligence>>> subscribers =
            new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public IntelligenceView(ApiSettings settings) {
        this.topic = Topics.prefixed(settings.topicPrefix(), Topics.AI_AGGREGATED);
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
        this.thread = Thread.ofPlatform().name("intelligence-view").daemon().unstarted(this::run);
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

    public Optional<AggregatedIntelligence> get(String key) {
        return Optional.ofNullable(latest.get(key));
    }

    public int size() {
        return latest.size();
    }

    /** Whether everything on the topic when the view started has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Calls {@code listener} with every newer version of one conversation until the handle closes.
     */
    public AutoCloseable subscribe(String key, Consumer<AggregatedIntelligence> listener) {
        subscribers.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () ->
                subscribers.computeIfPresent(
                        key,
                        (k, set) -> {
                            set.remove(listener);
                            return set.isEmpty() ? null : set;
                        });
    }

    /** Applies one aggregate; returns whether it changed the view. */
    boolean apply(AggregatedIntelligence incoming) {
        String key = incoming.key();
        boolean[] changed = {false};
        latest.compute(
                key,
                (k, current) -> {
                    if (current == null || incoming.version() > current.version()) {
                        changed[0] = true;
                        return incoming;
                    }
                    return current;
                });
        if (changed[0]) {
            Set<Consumer<AggregatedIntelligence>> listeners = subscribers.get(key);
            if (listeners != null) {
                for (Consumer<AggregatedIntelligence> l : listeners) {
                    try {
                        l.accept(incoming);
                    } catch (RuntimeException e) {
                        LOG.warn("a subscriber of {} failed: {}", key, e.toString());
                    }
                }
            }
        }
        return changed[0];
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
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                handle(record);
            }
            if (!caughtUp) {
                target.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (target.isEmpty()) {
                    caughtUp = true;
                    LOG.info("view caught up with {}: {} conversations", topic, latest.size());
                }
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            // A tombstone: the job forgot an idle conversation.
            if (record.key() != null) {
                latest.remove(new String(record.key(), StandardCharsets.UTF_8));
            }
            return;
        }
        try {
            apply(mapper.readValue(record.value(), AggregatedIntelligence.class));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn(
                    "skipping unreadable aggregate at {}-{}@{}: {}",
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
