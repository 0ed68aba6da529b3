package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectReader;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest aggregate of every conversation, from the compacted {@code support.ai.aggregated}
 * topic; the highest {@code version} wins, decided from the record's {@code version} header, so the
 * reader's thread parses nothing: an aggregate is parsed only when a request needs its fields, and
 * its WebSocket frame built once, however many sessions receive it.
 *
 * <p>Keys are {@code tenant/conversation}; the view is indexed by tenant so a tenant's reads never
 * touch another tenant's entries. Subscribers hear of each change on the reader's thread and must
 * not block.
 */
public final class IntelligenceView extends CompactedTopicReader {

    private static final Logger LOG = LoggerFactory.getLogger(IntelligenceView.class);

    /**
     * One version of a conversation's aggregate: its bytes as the job wrote them, parsed and framed
     * only when first needed (a list or a read of its fields; a WebSocket frame).
     */
    public static final class Entry {
        private final long version;
        private final byte[] json;
        private final ObjectReader reader;
        private volatile AggregatedIntelligence aggregate;
        private volatile String frame;

        private final String key;

        Entry(
                String key,
                long version,
                byte[] json,
                ObjectReader reader,
                AggregatedIntelligence parsed) {
            this.key = key;
            this.version = version;
            this.json = json;
            this.reader = reader;
            this.aggregate = parsed;
        }

        public long version() {
            return version;
        }

        /** The conversation's key, {@code tenant/conversation}. */
        public String key() {
            return key;
        }

        /** The aggregate, parsed on first use. */
        public AggregatedIntelligence aggregate() {
            AggregatedIntelligence a = aggregate;
            if (a == null) {
                try {
                    a = reader.readValue(json);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                aggregate = a;
            }
            return a;
        }

        /** The aggregate's JSON as the job wrote it. */
        public byte[] json() {
            return json;
        }

        /** {@code {"type":"intelligence_update","data":{...}}}, built on first use only. */
        public String frame() {
            String f = frame;
            if (f == null) {
                f =
                        "{\"type\":\"intelligence_update\",\"data\":"
                                + new String(json, StandardCharsets.UTF_8)
                                + "}";
                frame = f;
            }
            return f;
        }
    }

    private final ObjectReader reader = Json.newMapper().readerFor(AggregatedIntelligence.class);

    /** tenant → key → latest entry. */
    private final Map<String, Map<String, Entry>> byTenant = new ConcurrentHashMap<>();

    private final Map<String, Set<Consumer<Entry>>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Set<Consumer<Entry>>> tenantSubscribers = new ConcurrentHashMap<>();

    public IntelligenceView(ApiSettings settings) {
        super(settings, Topics.prefixed(settings.topicPrefix(), Topics.AI_AGGREGATED));
    }

    public Optional<AggregatedIntelligence> get(String key) {
        return entry(key).map(Entry::aggregate);
    }

    public Optional<Entry> entry(String key) {
        Map<String, Entry> tenant = byTenant.get(tenantOf(key));
        return tenant == null ? Optional.empty() : Optional.ofNullable(tenant.get(key));
    }

    /** Every aggregate of one tenant, in no particular order. */
    public Collection<AggregatedIntelligence> all(String tenant) {
        Map<String, Entry> entries = byTenant.get(tenant);
        return entries == null
                ? List.of()
                : entries.values().stream().map(Entry::aggregate).toList();
    }

    @Override
    public int size() {
        return byTenant.values().stream().mapToInt(Map::size).sum();
    }

    /** Calls {@code listener} with every newer version of one key until the handle closes. */
    public AutoCloseable subscribe(String key, Consumer<Entry> listener) {
        return register(subscribers, key, listener);
    }

    /** Calls {@code listener} with every newer version of any of a tenant's keys. */
    public AutoCloseable subscribeTenant(String tenant, Consumer<Entry> listener) {
        return register(tenantSubscribers, tenant, listener);
    }

    private static AutoCloseable register(
            Map<String, Set<Consumer<Entry>>> registry, String key, Consumer<Entry> listener) {
        registry.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () ->
                registry.computeIfPresent(
                        key,
                        (k, set) -> {
                            set.remove(listener);
                            return set.isEmpty() ? null : set;
                        });
    }

    @Override
    protected void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        Map<String, Entry> tenant =
                byTenant.computeIfAbsent(tenantOf(key), t -> new ConcurrentHashMap<>());
        if (record.value() == null) {
            // A tombstone: the job forgot an idle conversation.
            tenant.remove(key);
            return;
        }
        Entry current = tenant.get(key);
        long version = headerVersion(record);
        AggregatedIntelligence parsed = null;
        if (version < 0) {
            // Written without the header (an older job): the body says.
            try {
                parsed = reader.readValue(record.value());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            version = parsed.version();
        }
        if (current != null && version <= current.version()) {
            return; // replayed or older: decided without parsing
        }
        Entry entry = new Entry(key, version, record.value(), reader, parsed);
        tenant.put(key, entry);
        notify(subscribers.get(key), entry, key);
        notify(tenantSubscribers.get(tenantOf(key)), entry, key);
    }

    /** The {@code version} header, or -1 when absent or unreadable (then the body decides). */
    static long headerVersion(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(AggregatedIntelligence.HEADER_VERSION);
        if (h == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Offers an entry directly, as if read from the topic (tests without a broker). */
    void apply(AggregatedIntelligence aggregate, byte[] json) {
        String key = aggregate.key();
        Entry entry = new Entry(key, aggregate.version(), json, reader, aggregate);
        byTenant.computeIfAbsent(tenantOf(key), t -> new ConcurrentHashMap<>()).put(key, entry);
        notify(subscribers.get(key), entry, key);
        notify(tenantSubscribers.get(tenantOf(key)), entry, key);
    }

    private static void notify(Set<Consumer<Entry>> listeners, Entry entry, String key) {
        if (listeners == null) {
            return;
        }
        for (Consumer<Entry> l : listeners) {
            try {
                l.accept(entry);
            } catch (RuntimeException e) {
                LOG.warn("a subscriber of {} failed: {}", key, e.toString());
            }
        }
    }
}
