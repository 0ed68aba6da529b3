package io.signalstream.api.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.feed.TopicFollower;
import io.signalstream.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery log: every attempt the deliverers make is written to {@code
 * support.webhooks.deliveries} (key {@code tenant/webhook}, 7 days), and every API instance follows
 * the topic and keeps the newest {@value #PER_WEBHOOK} attempts of each webhook for {@code GET
 * /v1/webhooks/{id}/deliveries}, whichever instance delivered. Given-up deliveries go to {@code
 * support.dlq} with the reason.
 */
public final class DeliveryLog implements WebhookDeliverer.Outcomes, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

    /** Attempts kept per webhook. */
    public static final int PER_WEBHOOK = 200;

    /** Webhooks whose attempts are kept (the least recently used go first). */
    static final int MAX_WEBHOOKS = 10_000;

    private final ObjectMapper mapper = Json.newMapper();
    private final Map<String, ArrayDeque<ObjectNode>> byWebhook =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<ObjectNode>> e) {
                    return size() > MAX_WEBHOOKS;
                }
            };
    private final KafkaProducer<byte[], byte[]> producer;
    private final String deliveriesTopic;
    private final String deadLetterTopic;
    private TopicFollower follower;

    /** A log that only keeps what it is given ({@link #accept}), for tests without a broker. */
    public DeliveryLog() {
        this.producer = null;
        this.deliveriesTopic = null;
        this.deadLetterTopic = null;
    }

    public DeliveryLog(Properties client, String deliveriesTopic, String deadLetterTopic) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.deliveriesTopic = deliveriesTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.follower = new TopicFollower(client, deliveriesTopic, r -> accept(r.value())).start();
    }

    @Override
    public void attempted(ObjectNode entry) {
        if (producer == null) {
            accept(entry.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String key = entry.path("tenant_id").asText() + "/" + entry.path("webhook_id").asText();
        producer.send(
                new ProducerRecord<>(
                        deliveriesTopic,
                        key.getBytes(StandardCharsets.UTF_8),
                        entry.toString().getBytes(StandardCharsets.UTF_8)),
                (m, e) -> {
                    if (e != null) {
                        LOG.warn("a delivery record was not written: {}", e.toString());
                    }
                });
    }

    @Override
    public void deadLettered(String key, byte[] body, String reason, String webhookId) {
        LOG.warn("webhook {} delivery for {} given up: {}", webhookId, key, reason);
        if (producer == null) {
            return;
        }
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(deadLetterTopic, key.getBytes(StandardCharsets.UTF_8), body);
        record.headers()
                .add(new RecordHeader("error.reason", reason.getBytes(StandardCharsets.UTF_8)))
                .add(new RecordHeader("error.stage", "webhook".getBytes(StandardCharsets.UTF_8)))
                .add(new RecordHeader("webhook.id", webhookId.getBytes(StandardCharsets.UTF_8)));
        producer.send(
                record,
                (m, e) -> {
                    if (e != null) {
                        LOG.error("a dead letter was not written: {}", e.toString());
                    }
                });
    }

    /** Takes one record of the deliveries topic. */
    public void accept(byte[] value) {
        if (value == null) {
            return;
        }
        try {
            JsonNode entry = mapper.readTree(value);
            if (entry instanceof ObjectNode node) {
                String key =
                        node.path("tenant_id").asText() + "/" + node.path("webhook_id").asText();
                synchronized (byWebhook) {
                    ArrayDeque<ObjectNode> log =
                            byWebhook.computeIfAbsent(key, k -> new ArrayDeque<>());
                    log.addFirst(node);
                    if (log.size() > PER_WEBHOOK) {
                        log.removeLast();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("skipped a delivery record that is not JSON");
        }
    }

    /** The webhook's newest attempts, newest first. */
    public List<ObjectNode> of(String tenant, String webhookId) {
        synchronized (byWebhook) {
            ArrayDeque<ObjectNode> log = byWebhook.get(tenant + "/" + webhookId);
            return log == null ? List.of() : new ArrayList<>(log);
        }
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
