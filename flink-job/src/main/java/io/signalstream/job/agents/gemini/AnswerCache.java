package io.signalstream.job.agents.gemini;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Never paying twice for an answer. The job's state rolls back to its last checkpoint on a restart,
 * and the messages after it are processed again; the model's answers to them are not lost with it:
 * each answer is written at once (redacted, outside any transaction) to the compacted {@code
 * support.llm.answers}, key {@code tenant/conversation#seq#prompt#model}. A starting subtask reads
 * the answers of the last {@code LLM_ANSWER_CACHE_LOOKBACK} (far longer than a checkpoint interval)
 * and answers a call from them instead of the model; each is used once, and at most {@code
 * maxEntries} are held (the newest).
 *
 * <p>A call coalesced differently on the second run (a burst split otherwise) misses and is paid
 * again. Without Kafka the cache is off and nothing else changes; a failure to read or write it
 * only costs money, never a result.
 */
final class AnswerCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerCache.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final PiiDetector pii;
    private final Map<String, String> answers;

    private AnswerCache(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            PiiDetector pii,
            Map<String, String> answers) {
        this.producer = producer;
        this.topic = topic;
        this.pii = pii;
        this.answers = answers;
    }

    /** The key of the answer to {@code request} under a prompt version and a model. */
    static String key(AgentRequest request, String promptVersion, String model) {
        return request.key() + "#" + request.seq() + "#" + promptVersion + "#" + model;
    }

    /**
     * Reads the answers of the last {@code lookback} and opens the writer; off (null) when there is
     * no Kafka to keep them in.
     */
    static AnswerCache open(
            KafkaSettings kafka, Duration lookback, int maxEntries, PiiDetector pii) {
        if (kafka == null || lookback.isZero()) {
            return null;
        }
        String topic = kafka.topic(Topics.LLM_ANSWERS);
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put("bootstrap.servers", kafka.bootstrapServers());
        Map<String, String> loaded = load(props, topic, lookback, maxEntries);
        Properties producerProps = new Properties();
        producerProps.putAll(props);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        return new AnswerCache(
                new KafkaProducer<>(
                        producerProps, new ByteArraySerializer(), new ByteArraySerializer()),
                topic,
                pii,
                loaded);
    }

    private static Map<String, String> load(
            Properties props, String topic, Duration lookback, int maxEntries) {
        Map<String, String> loaded =
                new LinkedHashMap<>(16, 0.75f, false) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                        return size() > maxEntries;
                    }
                };
        Properties consumerProps = new Properties();
        consumerProps.putAll(props);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic)
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            Map<TopicPartition, Long> since = new HashMap<>();
            long from = System.currentTimeMillis() - lookback.toMillis();
            parts.forEach(p -> since.put(p, from));
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            for (Map.Entry<TopicPartition, OffsetAndTimestamp> e :
                    c.offsetsForTimes(since).entrySet()) {
                c.seek(
                        e.getKey(),
                        e.getValue() == null ? ends.get(e.getKey()) : e.getValue().offset());
            }
            while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    LOG.warn(
                            "model answer cache: stopped reading {} after {}", topic, LOAD_TIMEOUT);
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        loaded.remove(key);
                    } else {
                        loaded.put(key, new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "model answer cache: cannot read {}, starting without it: {}",
                    topic,
                    e.toString());
        }
        LOG.info(
                "model answer cache: {} answers of the last {} from {}",
                loaded.size(),
                lookback,
                topic);
        return loaded;
    }

    /** The answer kept under {@code key}, taken out (a replay asks for it once); null if none. */
    synchronized String take(String key) {
        return answers.remove(key);
    }

    /** Keeps an answer, redacted, for a restart to find. */
    void put(String key, String answer) {
        String redacted = pii.detect(answer, key).redactedMessage();
        producer.send(
                new ProducerRecord<>(
                        topic,
                        key.getBytes(StandardCharsets.UTF_8),
                        redacted.getBytes(StandardCharsets.UTF_8)),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warn("model answer cache: not kept ({}): {}", key, error.toString());
                    }
                });
    }

    /** Answers loaded and not used yet. */
    synchronized int size() {
        return answers.size();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
