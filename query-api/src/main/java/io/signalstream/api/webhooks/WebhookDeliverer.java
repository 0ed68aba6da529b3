package io.signalstream.api.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.book.TenantBook;
import io.signalstream.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to the tenants' webhooks: reads {@code support.alerts} in a consumer group (each
 * API instance takes some partitions), and POSTs each alert to each webhook its rule names, signed
 * ({@link Signature}). Per webhook and conversation, deliveries go one after the other, so a
 * receiver sees a conversation's alerts in order; at most {@link #MAX_IN_FLIGHT} requests are in
 * flight to one webhook (kept-alive connections reused); a failed attempt is retried with
 * exponential backoff (honouring {@code Retry-After}) until {@code giveUpAfter} since the alert was
 * raised, then dead-lettered on {@code support.dlq}. Every attempt is recorded ({@link Outcomes}).
 *
 * <p>An alert's offset is committed once all its deliveries have ended, so a crash delivers again
 * what was not confirmed: with the same {@code SignalStream-Delivery} id, which receivers keep
 * once. Redirects are not followed and the host is checked before every attempt ({@link
 * AddressGuard}). At most {@code maxPending} deliveries wait at a time; beyond that reading pauses.
 */
public final class WebhookDeliverer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);

    /**
     * @param timeout longest a receiver may take to answer one attempt
     * @param firstRetry the wait before the second attempt; it doubles each time
     * @param maxRetry the longest wait between attempts
     * @param giveUpAfter after this long since the alert was raised, the last attempt's failure
     *     dead-letters it
     * @param maxPending deliveries waiting at once before reading pauses
     */
    public record Settings(
            Duration timeout,
            Duration firstRetry,
            Duration maxRetry,
            Duration giveUpAfter,
            int maxPending) {

        public static final Settings DEFAULTS =
                new Settings(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(1),
                        Duration.ofHours(1),
                        Duration.ofHours(24),
                        10_000);
    }

    /** Where attempts are recorded and given-up deliveries go. */
    public interface Outcomes {

        /** One attempt's record for the delivery log. */
        void attempted(ObjectNode entry);

        /** The delivery was given up: its body and why. */
        void deadLettered(String key, byte[] body, String reason, String webhookId);
    }

    /** One alert on its way to one webhook. */
    private static final class Delivery {
        final TopicPartition partition;
        final long offset;
        final long raisedAtMs;
        final String tenant;
        final String webhookId;
        final String conversationId;
        final String alertId;
        final String id;
        final byte[] body;
        int attempt;
        boolean cancelled;

        Delivery(
                TopicPartition partition,
                long offset,
                long raisedAtMs,
                JsonNode alert,
                String webhookId,
                byte[] body) {
            this.partition = partition;
            this.offset = offset;
            this.raisedAtMs = raisedAtMs;
            this.tenant = alert.path("tenant_id").asText();
            this.webhookId = webhookId;
            this.conversationId = alert.path("conversation_id").asText();
            this.alertId = alert.path("id").asText();
            this.id = Signature.deliveryId(alertId, webhookId);
            this.body = body;
        }

        String lane() {
            return tenant + "/" + webhookId + "/" + conversationId;
        }
    }

    private final ObjectMapper mapper = Json.newMapper();
    private final TenantBook webhooks;
    private final AddressGuard guard;
    private final Settings settings;
    private final Outcomes outcomes;
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final HttpClient http;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Requests in flight to one webhook at most: a burst of alerts waits for a free slot instead of
     * opening a connection per alert, so a receiver sees a few kept-alive connections.
     */
    static final int MAX_IN_FLIGHT = 8;

    /** Per tenant/webhook; one small entry per webhook that was ever delivered to. */
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();

    private final ScheduledExecutorService retries =
            Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("webhook-retries").daemon().factory());
    private final Thread poller;

    // guarded by this
    private final Map<String, ArrayDeque<Delivery>> lanes = new HashMap<>();
    private final Map<TopicPartition, TreeMap<Long, Integer>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private int waiting;
    private volatile boolean closed;

    public WebhookDeliverer(
            Properties client,
            String topic,
            String groupId,
            TenantBook webhooks,
            AddressGuard guard,
            Settings settings,
            Outcomes outcomes) {
        this.topic = topic;
        this.webhooks = webhooks;
        this.guard = guard;
        this.settings = settings;
        this.outcomes = outcomes;
        Properties c = new Properties();
        c.putAll(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.http =
                HttpClient.newBuilder()
                        // HTTP/1.1 as webhook receivers expect it: no h2c upgrade attempt on plain
                        // http, kept-alive connections reused
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(settings.timeout())
                        .build();
        this.poller = Thread.ofPlatform().name("webhook-reader").daemon().unstarted(this::poll);
    }

    public WebhookDeliverer start() {
        poller.start();
        return this;
    }

    /** Deliveries not yet ended (waiting, in flight or between attempts). */
    public synchronized int waiting() {
        return waiting;
    }

    private void poll() {
        try {
            consumer.subscribe(
                    List.of(topic),
                    new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                            commit(true);
                            drop(partitions);
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
                    });
            boolean paused = false;
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read(r);
                }
                commit(false);
                int now = waiting();
                if (!paused && now >= settings.maxPending()) {
                    consumer.pause(consumer.assignment());
                    paused = true;
                } else if (paused && now < settings.maxPending() / 2) {
                    consumer.resume(consumer.paused());
                    paused = false;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("webhook deliveries stopped: {}", e.toString(), e);
        } finally {
            try {
                commit(true);
            } catch (RuntimeException e) {
                LOG.debug("last commit failed: {}", e.toString());
            }
            consumer.close();
        }
    }

    private void read(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition partition = new TopicPartition(r.topic(), r.partition());
        List<Delivery> deliveries = new ArrayList<>();
        if (r.value() != null) {
            try {
                JsonNode alert = mapper.readTree(r.value());
                JsonNode hooks = alert.path("webhooks");
                if (hooks.isArray() && !hooks.isEmpty()) {
                    byte[] body = body(alert);
                    for (JsonNode hook : hooks) {
                        deliveries.add(
                                new Delivery(
                                        partition,
                                        r.offset(),
                                        r.timestamp(),
                                        alert,
                                        hook.asText(),
                                        body));
                    }
                }
            } catch (IOException e) {
                LOG.warn("skipped an alert that is not JSON at {}-{}", r.partition(), r.offset());
            }
        }
        List<Delivery> start = new ArrayList<>();
        synchronized (this) {
            readUpTo.put(partition, r.offset() + 1);
            for (Delivery d : deliveries) {
                pending.computeIfAbsent(partition, p -> new TreeMap<>())
                        .merge(d.offset, 1, Integer::sum);
                waiting++;
                ArrayDeque<Delivery> lane =
                        lanes.computeIfAbsent(d.lane(), k -> new ArrayDeque<>());
                lane.add(d);
                if (lane.size() == 1) {
                    start.add(d);
                }
            }
        }
        start.forEach(d -> senders.execute(() -> attempt(d)));
    }

    /** The webhook's body: the alert's identity, as the contract names it. */
    private byte[] body(JsonNode alert) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("type", "alert");
        ObjectNode a = body.putObject("alert");
        for (String field :
                List.of(
                        "id",
                        "rule_id",
                        "rule_name",
                        "tenant_id",
                        "conversation_id",
                        "severity",
                        "triggered_at",
                        "aggregate_version",
                        "trigger",
                        "backfill")) {
            if (alert.has(field)) {
                a.set(field, alert.get(field));
            }
        }
        return mapper.writeValueAsBytes(body);
    }

    private void attempt(Delivery d) {
        if (closed || d.cancelled) {
            return;
        }
        d.attempt++;
        long started = System.currentTimeMillis();
        Optional<ObjectNode> hook = webhooks.get(d.tenant, d.webhookId);
        if (hook.isEmpty()) {
            end(d, "dead_letter", 0, "the tenant has no webhook '" + d.webhookId + "'", started);
            return;
        }
        URI url;
        try {
            url = URI.create(hook.get().path("url").asText());
        } catch (IllegalArgumentException e) {
            end(d, "dead_letter", 0, "the webhook's url is not a URL", started);
            return;
        }
        Optional<String> refused = guard.refusal(url);
        if (refused.isPresent()) {
            failed(d, 0, refused.get(), null, started);
            return;
        }
        long t = Instant.now().getEpochSecond();
        HttpRequest request =
                HttpRequest.newBuilder(url)
                        .timeout(settings.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "SignalStream-Webhooks/1")
                        .header(Signature.DELIVERY_HEADER, d.id)
                        .header(
                                Signature.HEADER,
                                Signature.header(hook.get().path("secret").asText(), t, d.body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(d.body))
                        .build();
        Semaphore slots =
                inFlight.computeIfAbsent(
                        d.tenant + "/" + d.webhookId, k -> new Semaphore(MAX_IN_FLIGHT));
        try {
            HttpResponse<Void> res;
            slots.acquire();
            try {
                res = http.send(request, HttpResponse.BodyHandlers.discarding());
            } finally {
                slots.release();
            }
            if (res.statusCode() / 100 == 2) {
                end(d, "delivered", res.statusCode(), null, started);
            } else {
                failed(
                        d,
                        res.statusCode(),
                        "the receiver answered " + res.statusCode(),
                        res.headers().firstValue("Retry-After").orElse(null),
                        started);
            }
        } catch (IOException e) {
            failed(d, 0, "the receiver could not be reached: " + e.getMessage(), null, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(Delivery d, int status, String error, String retryAfter, long started) {
        long delay = backoff(d.attempt, retryAfter);
        long now = System.currentTimeMillis();
        if (now + delay - d.raisedAtMs > settings.giveUpAfter().toMillis()) {
            end(
                    d,
                    "dead_letter",
                    status,
                    error + "; given up after " + d.attempt + " attempt(s)",
                    started);
            return;
        }
        record(d, "failed", status, error, started, now + delay);
        retries.schedule(() -> senders.execute(() -> attempt(d)), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * The wait before the next attempt: doubling from {@code firstRetry}, or what the receiver
     * asked.
     */
    long backoff(int attempts, String retryAfter) {
        long max = settings.maxRetry().toMillis();
        if (retryAfter != null) {
            try {
                return Math.min(max, Math.max(0, Long.parseLong(retryAfter.strip()) * 1000));
            } catch (NumberFormatException e) {
                // an HTTP date or nonsense: the usual backoff
            }
        }
        long base = settings.firstRetry().toMillis() << Math.min(attempts - 1, 30);
        long delay = Math.min(max, base);
        return delay + ThreadLocalRandom.current().nextLong(delay / 10 + 1);
    }

    private void end(Delivery d, String status, int httpStatus, String error, long started) {
        record(d, status, httpStatus, error, started, 0);
        if (status.equals("dead_letter")) {
            outcomes.deadLettered(d.tenant + "/" + d.conversationId, d.body, error, d.webhookId);
        }
        Delivery next = null;
        synchronized (this) {
            if (d.cancelled) {
                return;
            }
            ArrayDeque<Delivery> lane = lanes.get(d.lane());
            if (lane != null) {
                lane.poll();
                if (lane.isEmpty()) {
                    lanes.remove(d.lane());
                } else {
                    next = lane.peek();
                }
            }
            done(d);
        }
        if (next != null) {
            Delivery n = next;
            senders.execute(() -> attempt(n));
        }
    }

    /** Counts {@code d} off its alert's offset (guarded by this). */
    private void done(Delivery d) {
        waiting--;
        TreeMap<Long, Integer> offsets = pending.get(d.partition);
        if (offsets != null) {
            offsets.computeIfPresent(d.offset, (o, n) -> n == 1 ? null : n - 1);
        }
    }

    private void record(
            Delivery d, String status, int httpStatus, String error, long started, long nextAt) {
        ObjectNode entry = mapper.createObjectNode();
        entry.put("delivery_id", d.id);
        entry.put("webhook_id", d.webhookId);
        entry.put("tenant_id", d.tenant);
        entry.put("alert_id", d.alertId);
        entry.put("conversation_id", d.conversationId);
        entry.put("attempt", d.attempt);
        entry.put("at", Instant.ofEpochMilli(started).toString());
        entry.put("status", status);
        if (httpStatus > 0) {
            entry.put("http_status", httpStatus);
        }
        if (error != null) {
            entry.put("error", error.length() > 500 ? error.substring(0, 500) : error);
        }
        if (nextAt > 0) {
            entry.put("next_attempt_at", Instant.ofEpochMilli(nextAt).toString());
        }
        entry.put("duration_ms", System.currentTimeMillis() - started);
        try {
            outcomes.attempted(entry);
        } catch (RuntimeException e) {
            LOG.warn("a delivery record was not written: {}", e.toString());
        }
    }

    /**
     * Commits, per partition, up to the first alert whose deliveries have not all ended. In the
     * reading loop asynchronously (a commit never holds up reading the next alerts); before
     * partitions go and at the end synchronously.
     */
    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        synchronized (this) {
            for (Map.Entry<TopicPartition, Long> read : readUpTo.entrySet()) {
                TreeMap<Long, Integer> open = pending.get(read.getKey());
                long safe = open == null || open.isEmpty() ? read.getValue() : open.firstKey();
                if (!Long.valueOf(safe).equals(committed.get(read.getKey()))) {
                    offsets.put(read.getKey(), new OffsetAndMetadata(safe));
                    committed.put(read.getKey(), safe);
                }
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
            return;
        }
        consumer.commitAsync(
                offsets,
                (done, error) -> {
                    if (error != null) {
                        // not committed: the next round commits these offsets again
                        forget(done == null ? offsets : done);
                    }
                });
    }

    private synchronized void forget(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((p, o) -> committed.remove(p, o.offset()));
    }

    /** Partitions another instance takes over: their deliveries are its work now. */
    private synchronized void drop(Collection<TopicPartition> partitions) {
        for (ArrayDeque<Delivery> lane : lanes.values()) {
            lane.removeIf(
                    d -> {
                        boolean gone = partitions.contains(d.partition);
                        if (gone) {
                            d.cancelled = true;
                            waiting--;
                        }
                        return gone;
                    });
        }
        lanes.values().removeIf(ArrayDeque::isEmpty);
        partitions.forEach(
                p -> {
                    pending.remove(p);
                    readUpTo.remove(p);
                    committed.remove(p);
                });
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.shutdownNow();
        senders.shutdownNow();
    }
}
