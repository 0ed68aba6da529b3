package io.signalstream.api.feed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectReader;
import io.signalstream.api.store.StoreWriter;
import io.signalstream.api.store.StoredAggregate;
import io.signalstream.api.store.TranscriptSlot;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Json;
import io.signalstream.model.TranscriptEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the store from the two compacted topics the job writes, aggregates and transcript slots,
 * with one Kafka consumer on its own thread. It resumes at the positions saved with the store; a
 * store filled from another cluster or other topics is emptied and filled again. Each newer
 * aggregate version is handed to the {@link Listener} (the WebSocket fan-out) as it is read.
 */
public final class TopicFeed implements AutoCloseable {

    /** Hears of changes the moment they are read; must not block. */
    public interface Listener {

        /** A version newer than any before it. */
        void updated(StoredAggregate aggregate);

        /** The conversation was removed. */
        void removed(String key);
    }

    /**
     * How far one view is.
     *
     * @param caughtUp everything on the topic when the feed started has been read
     * @param lag records on the topic not read yet, measured every few seconds
     * @param read records read since the API started
     */
    public record ViewStatus(String view, String topic, boolean caughtUp, long lag, long read) {}

    /**
     * How long one fetch of the feed waits on the broker: it returns when {@code minBytes} of
     * records are there or {@code maxWait} has passed, whichever comes first. One byte answers at
     * the first record (a broker request for every record or two at light load); more bytes gather
     * records into fewer requests for at most {@code maxWait} more latency. The default, 16 KB or
     * 10 ms, is the job's own source's.
     */
    public record Fetch(int minBytes, Duration maxWait) {

        /** The largest {@code minBytes}: Kafka's default for one partition's fetch. */
        public static final int MAX_MIN_BYTES = 1024 * 1024;

        public static final Duration MIN_MAX_WAIT = Duration.ofMillis(1);

        public static final Duration MAX_MAX_WAIT = Duration.ofSeconds(1);

        public static final Fetch DEFAULTS = new Fetch(16 * 1024, Duration.ofMillis(10));

        public Fetch {
            if (minBytes < 1 || minBytes > MAX_MIN_BYTES) {
                throw new IllegalArgumentException(
                        "the store feed's fetch minimum must be 1 to "
                                + MAX_MIN_BYTES
                                + " bytes, not "
                                + minBytes);
            }
            if (maxWait.compareTo(MIN_MAX_WAIT) < 0 || maxWait.compareTo(MAX_MAX_WAIT) > 0) {
                throw new IllegalArgumentException(
                        "the store feed's fetch wait must be "
                                + MIN_MAX_WAIT.toMillis()
                                + " to "
                                + MAX_MAX_WAIT.toMillis()
                                + " ms, not "
                                + maxWait.toMillis()
                                + " ms");
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration LAG_EVERY = Duration.ofSeconds(2);

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Numbers(Long version, Long seq, Long epoch) {}

    private static final ObjectReader NUMBERS = Json.newMapper().readerFor(Numbers.class);

    /** One topic, its progress and what it holds. */
    private static final class View {
        final String name;
        final String topic;
        final Map<TopicPartition, Long> target = new HashMap<>();
        List<TopicPartition> partitions = List.of();
        volatile boolean caughtUp;
        volatile long lag = -1;
        volatile long read;

        View(String name, String topic) {
            this.name = name;
            this.topic = topic;
        }

        ViewStatus status() {
            return new ViewStatus(name, topic, caughtUp, lag, read);
        }
    }

    private final Properties props;
    private final Properties adminProps;
    private final StoreWriter store;
    private final Listener listener;
    private final View aggregates;
    private final View transcripts;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private boolean sourceChecked;

    public TopicFeed(
            Properties clientProperties,
            String aggregatesTopic,
            String transcriptTopic,
            StoreWriter store,
            Listener listener,
            Fetch fetch) {
        this.adminProps = new Properties();
        this.adminProps.putAll(clientProperties);
        this.props = new Properties();
        props.putAll(clientProperties);
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Works for the job's at-least-once and exactly-once (transactional) sinks alike.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A saved position past the end (the topic was recreated): read it again from the start.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(fetch.minBytes()));
        props.put(
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(fetch.maxWait().toMillis()));
        this.store = store;
        this.listener = listener;
        this.aggregates = new View("aggregates", aggregatesTopic);
        this.transcripts = new View("transcripts", transcriptTopic);
        this.thread = Thread.ofPlatform().name("store-feed").daemon().unstarted(this::run);
    }

    /** Starts reading; returns at once. */
    public TopicFeed start() {
        thread.start();
        return this;
    }

    /** Every view: caught up or not, and how far behind. */
    public List<ViewStatus> views() {
        return List.of(aggregates.status(), transcripts.status());
    }

    /** Stops reading; the store keeps what was read and the positions it covers. */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
                consumer = c;
                consume(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("store feed failed, retrying in {}: {}", RETRY, e.toString());
                sleepQuietly(RETRY);
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> c) {
        aggregates.partitions = partitions(c, aggregates.topic);
        transcripts.partitions = partitions(c, transcripts.topic);
        if (!running) {
            return;
        }
        checkSource();
        List<TopicPartition> all = new ArrayList<>(aggregates.partitions);
        all.addAll(transcripts.partitions);
        c.assign(all);
        Map<String, Long> saved = store.positions();
        int resumed = KafkaSource.seek(c, all, tp -> saved.get(tp.toString()));
        LOG.info(
                "store feed: {} partitions resume at saved positions, {} start from the beginning",
                resumed,
                all.size() - resumed);
        Map<TopicPartition, Long> ends = c.endOffsets(all);
        for (View view : List.of(aggregates, transcripts)) {
            if (!view.caughtUp) {
                view.target.clear();
                view.partitions.forEach(tp -> view.target.put(tp, ends.get(tp)));
            }
        }
        long lagMeasured = 0;
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                try {
                    apply(record);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "skipping unreadable record at {}-{}@{}: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e.toString());
                }
            }
            for (TopicPartition tp : all) {
                store.position(tp.toString(), c.position(tp));
            }
            store.awaitRoom();
            if (System.nanoTime() - lagMeasured > LAG_EVERY.toNanos()) {
                lagMeasured = System.nanoTime();
                Map<TopicPartition, Long> end = c.endOffsets(all);
                measure(c, aggregates, end);
                measure(c, transcripts, end);
            }
            catchUp(c, aggregates);
            catchUp(c, transcripts);
        }
    }

    /**
     * Empties a store filled from another cluster or other topics: the source names the cluster and
     * each topic's id, which changes when a topic is deleted and created again.
     */
    private void checkSource() {
        if (sourceChecked) {
            return;
        }
        String source = KafkaSource.of(adminProps, List.of(aggregates.topic, transcripts.topic));
        if (!source.equals(store.source())) {
            if (store.source() != null) {
                LOG.warn(
                        "the conversation store was filled from {}, not {}: emptied, and filled"
                                + " again from the topics",
                        store.source(),
                        source);
            }
            store.reset(source);
        }
        sourceChecked = true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.topic().equals(aggregates.topic)) {
            aggregates.read++;
            if (record.value() == null) {
                store.deleteConversation(key);
                listener.removed(key);
                return;
            }
            long version = header(record, AggregatedIntelligence.HEADER_VERSION);
            long epoch = header(record, AggregatedIntelligence.HEADER_EPOCH);
            if (version < 0 || epoch < 0) {
                Numbers numbers = numbers(record.value());
                version = version < 0 ? required(numbers.version(), "version") : version;
                epoch = epoch < 0 ? (numbers.epoch() == null ? 0 : numbers.epoch()) : epoch;
            }
            StoredAggregate aggregate = new StoredAggregate(key, epoch, version, record.value());
            if (store.putAggregate(aggregate)) {
                listener.updated(aggregate);
            }
            return;
        }
        transcripts.read++;
        String conversation = TranscriptEntry.conversationKeyOf(key);
        if (conversation == null) {
            return; // not a slot record
        }
        String slot = key.substring(conversation.length() + 1);
        if (record.value() == null) {
            store.deleteSlot(conversation, slot);
            return;
        }
        long seq = header(record, "seq");
        if (seq < 0) {
            seq = required(numbers(record.value()).seq(), "seq");
        }
        store.putSlot(conversation, new TranscriptSlot(slot, seq, record.value()));
    }

    /** A decimal header, or -1 when absent or unreadable (then the body decides). */
    static long header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long required(Long value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("neither a " + name + " header nor a " + name);
        }
        return value;
    }

    private static Numbers numbers(byte[] json) {
        try {
            return NUMBERS.readValue(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON object with a version or seq", e);
        }
    }

    private static void measure(
            KafkaConsumer<byte[], byte[]> c, View view, Map<TopicPartition, Long> end) {
        long behind = 0;
        for (TopicPartition tp : view.partitions) {
            behind += Math.max(0, end.getOrDefault(tp, 0L) - c.position(tp));
        }
        view.lag = behind;
    }

    private static void catchUp(KafkaConsumer<byte[], byte[]> c, View view) {
        if (!view.caughtUp) {
            view.target.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            if (view.target.isEmpty()) {
                view.caughtUp = true;
                LOG.info("the {} view caught up with {}", view.name, view.topic);
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> partitions = c.partitionsFor(topic);
        while (running && (partitions == null || partitions.isEmpty())) {
            LOG.info("waiting for topic {} to exist", topic);
            sleepQuietly(RETRY);
            partitions = c.partitionsFor(topic);
        }
        return partitions == null
                ? List.of()
                : partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
