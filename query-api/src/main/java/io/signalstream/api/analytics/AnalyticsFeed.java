package io.signalstream.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.api.feed.KafkaSource;
import io.signalstream.api.feed.TopicFollower;
import io.signalstream.api.stream.Fanout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics of every API instance: follows {@code support.analytics} from its start, keeps each
 * bucket in the {@link AnalyticsStore} and sends each new version to the tenant's {@code
 * /ws/analytics} sessions as {@code {"type":"analytics","data":{...}}}.
 */
public final class AnalyticsFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsFeed.class);

    /** How often what was kept is written to disk. */
    static final long COMMIT_EVERY_MS = 30_000;

    private final AnalyticsStore store;
    private final Fanout streams;
    private TopicFollower follower;
    private long nextCommitMs;
    private final AtomicLong read = new AtomicLong();

    public AnalyticsFeed(AnalyticsStore store, Fanout streams) {
        this.store = store;
        this.streams = streams;
    }

    /**
     * Starts following {@code topic} where the store's saved buckets end; a store filled from
     * another cluster or an earlier topic of the same name is emptied and filled again.
     */
    public AnalyticsFeed follow(Properties client, String topic) {
        follower =
                new TopicFollower(client, topic, this::accept)
                        .resumeAt(() -> resumePositions(client, topic))
                        .start();
        return this;
    }

    /** On the follower's thread: empties a store from another source; its saved positions. */
    private Map<Integer, Long> resumePositions(Properties client, String topic) {
        String source = KafkaSource.of(client, List.of(topic));
        if (!source.equals(store.source())) {
            if (store.source() != null) {
                LOG.warn(
                        "the analytics store was filled from {}, not {}: emptied, and filled"
                                + " again from the topic",
                        store.source(),
                        source);
            }
            try {
                store.reset(source);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot empty the analytics store", e);
            }
        }
        Map<Integer, Long> saved = store.positions();
        LOG.info("analytics: {} partitions resume at saved positions", saved.size());
        return saved;
    }

    /** Records read from the topic since the start. */
    public long read() {
        return read.get();
    }

    /** Takes one record of the topic; one that cannot be read is logged and skipped. */
    public void accept(ConsumerRecord<byte[], byte[]> r) {
        long now = System.currentTimeMillis();
        read.incrementAndGet();
        store.position(r.partition(), r.offset() + 1);
        try {
            if (r.value() == null) {
                if (r.key() != null) {
                    store.remove(new String(r.key(), StandardCharsets.UTF_8));
                }
                return;
            }
            JsonNode bucket = store.put(r.value(), now);
            if (bucket == null) {
                LOG.warn(
                        "skipped an analytics record that is not a bucket at offset {}",
                        r.offset());
                return;
            }
            streams.broadcast(
                    bucket.path("tenant_id").asText(),
                    "{\"type\":\"analytics\",\"data\":"
                            + new String(r.value(), StandardCharsets.UTF_8)
                            + "}");
            if (now >= nextCommitMs) {
                store.commit();
                nextCommitMs = now + COMMIT_EVERY_MS;
            }
        } catch (IOException e) {
            LOG.warn("skipped an analytics record at offset {}: {}", r.offset(), e.toString());
        }
    }

    public AnalyticsStore store() {
        return store;
    }

    public Fanout streams() {
        return streams;
    }

    @Override
    public void close() throws IOException {
        if (follower != null) {
            follower.close();
        }
        streams.close();
        store.commit();
        store.close();
    }
}
