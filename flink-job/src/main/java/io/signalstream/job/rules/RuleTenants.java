package io.signalstream.job.rules;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.model.Topics;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which tenants have rules: what the aggregator asks before it hands a step to the rule operator,
 * so that the steps of a tenant without rules cross no exchange (the rule operator cannot join the
 * data path's chain: it has a broadcast input). Each aggregator subtask keeps its own view, read
 * from the compacted {@code support.rules} from its start by a consumer of its own (no group), the
 * rule operator's broadcast state reading the same records.
 *
 * <p>It errs towards sending: until the view has read the topic to the end offsets it saw when it
 * started, and again after any error reading it, every tenant may have rules. A rule record whose
 * key the rule operator would skip still counts, as does a rule it cannot compile. The two views
 * read the same records apart, so a tenant's first rule applies from about when it is stored (the
 * rule operator's own view already made that so), a few hundred milliseconds either way.
 */
public final class RuleTenants implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleTenants.class);

    /** How long a read of the topic waits for records; also how soon a closed view stops. */
    static final Duration POLL = Duration.ofMillis(200);

    /** The first wait before reading the topic again from its start after an error. */
    static final Duration RETRY = Duration.ofSeconds(2);

    /** The longest: the wait doubles with each error in a row. */
    static final Duration MAX_RETRY = Duration.ofMinutes(1);

    private final KafkaSettings kafka;
    private final boolean any;

    /** Tenant → its rule ids. */
    private transient Map<String, Set<String>> rules;

    private transient volatile boolean loaded;
    private transient volatile boolean closed;
    private transient volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * Counted down by {@link #close}: ends a wait between attempts at once. The reader is never
     * interrupted, which its consumer's close would report as an error on every cancellation.
     */
    private transient CountDownLatch closing;

    private transient String owner;

    private RuleTenants(KafkaSettings kafka, boolean any) {
        this.kafka = kafka;
        this.any = any;
    }

    /** No view: every tenant may have rules (a rule book that is not a Kafka topic). */
    public static RuleTenants any() {
        return new RuleTenants(null, true);
    }

    /** The view read from {@code support.rules} (with the deployment's prefix) in {@code kafka}. */
    public static RuleTenants reading(KafkaSettings kafka) {
        return new RuleTenants(kafka, false);
    }

    /** A view that is fed by hand ({@link #apply}, {@link #caughtUp}). */
    static RuleTenants fedByHand() {
        RuleTenants t = new RuleTenants(null, false);
        t.rules = new ConcurrentHashMap<>();
        return t;
    }

    /** A fixed view, already read: exactly {@code tenants} have rules (a test's rule book). */
    public static RuleTenants of(Collection<String> tenants) {
        RuleTenants t = fedByHand();
        for (String tenant : tenants) {
            t.apply((tenant + "/rule").getBytes(StandardCharsets.UTF_8), new byte[0]);
        }
        t.caughtUp();
        return t;
    }

    /** Starts reading, in a daemon thread of its own; once per instance. */
    public void open(String owner) {
        if (any || rules != null) {
            return;
        }
        rules = new ConcurrentHashMap<>();
        this.owner = owner;
        closing = new CountDownLatch(1);
        Thread reader = new Thread(this::read, "rule tenants of " + owner);
        reader.setDaemon(true);
        reader.start();
    }

    /** Whether {@code tenant} may have rules: false only when the view knows it has none. */
    public boolean mayHaveRules(String tenant) {
        return any || !loaded || rules.containsKey(tenant);
    }

    /** Whether the view has read the topic (until then, and after an error, it answers yes). */
    public boolean loaded() {
        return any || loaded;
    }

    /**
     * One record of {@code support.rules}: key {@code tenant/id}, the rule's JSON or null when it
     * was deleted. A key without a tenant and an id is skipped, as the rule operator skips it.
     */
    void apply(byte[] key, byte[] value) {
        RuleKey k = RuleKey.of(RuleKey.text(key));
        if (k == null) {
            return;
        }
        if (value == null) {
            rules.computeIfPresent(
                    k.tenant(),
                    (t, ids) -> {
                        ids.remove(k.id());
                        return ids.isEmpty() ? null : ids;
                    });
        } else {
            rules.computeIfAbsent(k.tenant(), t -> ConcurrentHashMap.newKeySet()).add(k.id());
        }
    }

    /** The view has read every record there was when it started: its answers now count. */
    void caughtUp() {
        loaded = true;
    }

    /** The view lost track (an error reading): every tenant may have rules until it reads again. */
    void lost() {
        loaded = false;
        rules.clear();
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (closing != null) {
            closing.countDown();
        }
    }

    private void read() {
        long retryMs = RETRY.toMillis();
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(properties())) {
                consumer = c;
                if (closed) {
                    return;
                }
                readAll(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                boolean wasLoaded = loaded;
                lost();
                LOG.warn(
                        "Cannot read {} ({}); every tenant's steps go to the rules until it is read"
                                + " again, in {} s",
                        topic(),
                        e.toString(),
                        retryMs / 1000);
                retryMs = wasLoaded ? RETRY.toMillis() : retryMs;
                pause(retryMs);
                retryMs = Math.min(2 * retryMs, MAX_RETRY.toMillis());
            } finally {
                consumer = null;
            }
        }
    }

    /** Reads the topic from its start, then follows it; returns when closed. */
    private void readAll(KafkaConsumer<byte[], byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(topic(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("the topic " + topic() + " does not exist");
        }
        List<TopicPartition> partitions =
                infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions));
        while (!closed) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                apply(r.key(), r.value());
            }
            if (!loaded) {
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (end.isEmpty()) {
                    caughtUp();
                    LOG.info("Read {}: {} tenants have rules", topic(), rules.size());
                }
            }
        }
    }

    private void pause(long ms) {
        try {
            closing.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private String topic() {
        return kafka.topic(Topics.RULES);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("client.id", "signalstream-rule-tenants-" + owner);
        return p;
    }
}
