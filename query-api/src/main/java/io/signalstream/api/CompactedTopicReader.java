package io.signalstream.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * Reads one compacted topic from the beginning with one Kafka consumer per API instance, on its own
 * thread, and hands every record to {@link #handle}. Knows when it has read the history that was
 * there when it started, and how far behind it is.
 */
public abstract class CompactedTopicReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);

    private final Properties consumerProps;
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile long lag;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    protected CompactedTopicReader(ApiSettings settings, String topicName) {
        this.topic = topicName;
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

    /** Applies one record (a null value is a tombstone); called on the reader's thread only. */
    protected abstract void handle(ConsumerRecord<byte[], byte[]> record);

    /** Conversations held. */
    public abstract int size();

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

    /** Records on the topic not read yet, measured every few seconds. */
    public long lag() {
        return lag;
    }

    /** Whether everything on the topic when the view started has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public String topic() {
        return topic;
    }

    static String tenantOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
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
                try {
                    handle(record);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "skipping unreadable record at {}-{}@{}: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e.toString());
                }
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

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
