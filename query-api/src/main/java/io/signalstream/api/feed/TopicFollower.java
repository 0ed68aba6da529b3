package io.signalstream.api.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a small topic from its start and then follows it, on its own thread, handing each record to
 * a handler: how every API instance learns the tenants' rules, webhooks and alerts, whichever
 * instance wrote them. No consumer group, nothing committed: each instance reads everything.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private Supplier<Map<Integer, Long>> resumeAt = Map::of;
    private final Thread reader;
    private volatile boolean closed;

    /**
     * @param client the Kafka client settings (bootstrap servers, authentication)
     * @param handler called on the follower's thread for each record; must not throw
     */
    public TopicFollower(
            Properties client, String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this.topic = topic;
        this.handler = handler;
        Properties c = new Properties();
        c.putAll(client);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::follow, "follow-" + topic);
        reader.setDaemon(true);
    }

    /**
     * Starts each partition with a saved position there instead of at the beginning (call before
     * {@link #start()}). {@code positions} is asked on the follower's thread once the topic's
     * partitions are known, so a check it makes against the brokers never holds up the caller.
     */
    public TopicFollower resumeAt(Supplier<Map<Integer, Long>> positions) {
        this.resumeAt = positions;
        return this;
    }

    public TopicFollower start() {
        reader.start();
        return this;
    }

    /** Waits until the topic was read to its end once (what was written before the start). */
    public boolean awaitLoaded(Duration wait) throws InterruptedException {
        return loaded.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the topic was read to its end once. */
    public boolean loaded() {
        return loaded.getCount() == 0;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (!closed && partitions.isEmpty()) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            Map<Integer, Long> saved = resumeAt.get();
            KafkaSource.seek(consumer, partitions, tp -> saved.get(tp.partition()));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        handler.accept(r);
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "skipped a record of {} at {}-{}: {}",
                                topic,
                                r.partition(),
                                r.offset(),
                                e.toString());
                    }
                }
                if (loaded.getCount() > 0
                        && end.entrySet().stream()
                                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("following {} stopped: {}", topic, e.toString());
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
