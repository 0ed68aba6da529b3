package io.signalstream.job.config;

import io.signalstream.model.KafkaAuth;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the job reads and writes, and how it authenticates. {@link #toString()} hides the secrets.
 *
 * @param groupId the source's consumer group; offsets are committed with each checkpoint
 * @param exactlyOnce Kafka transactions for the sinks (readers use {@code read_committed})
 * @param startFrom {@code START_FROM}: where a job without state begins on the raw topic: {@code
 *     committed} (the group's committed offsets, else the earliest), {@code earliest} or {@code
 *     latest}. A job restored from a checkpoint or savepoint always resumes from its offsets.
 * @param fetchMinBytes {@code KAFKA_FETCH_MIN_BYTES}: the source's fetches wait for this much data
 * @param fetchMaxWaitMs {@code KAFKA_FETCH_MAX_WAIT_MS}: but no longer than this; at light load a
 *     fetch that returned at once for every message or two cost the broker a request each
 */
public record KafkaSettings(
        String bootstrapServers,
        String topicPrefix,
        String groupId,
        String apiKey,
        String apiSecret,
        String truststore,
        String truststorePassword,
        boolean exactlyOnce,
        String transactionalIdPrefix,
        String startFrom,
        int fetchMinBytes,
        int fetchMaxWaitMs)
        implements Serializable {

    public static final List<String> START_FROM = List.of("committed", "earliest", "latest");

    /** The Kafka settings alone, read and checked as the job reads them: for tools beside it. */
    public static KafkaSettings from(String[] args, Map<String, String> env) {
        KafkaSettings kafka = read(new Settings(args, env));
        kafka.check();
        return kafka;
    }

    static KafkaSettings read(Settings s) {
        return new KafkaSettings(
                s.text("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                s.text("topic-prefix", "TOPIC_PREFIX", ""),
                s.text("group-id", "KAFKA_GROUP_ID", "signalstream-job"),
                s.text("kafka-api-key", "KAFKA_API_KEY", null),
                s.text("kafka-api-secret", "KAFKA_API_SECRET", null),
                s.text("kafka-truststore", "KAFKA_SSL_TRUSTSTORE_LOCATION", null),
                s.text("kafka-truststore-password", "KAFKA_SSL_TRUSTSTORE_PASSWORD", null),
                s.flag("exactly-once", "EXACTLY_ONCE", false),
                s.text("transactional-id-prefix", "TRANSACTIONAL_ID_PREFIX", "signalstream"),
                s.text("start-from", "START_FROM", "committed"),
                s.integer("kafka-fetch-min-bytes", "KAFKA_FETCH_MIN_BYTES", 16_384),
                s.integer("kafka-fetch-max-wait-ms", "KAFKA_FETCH_MAX_WAIT_MS", 10));
    }

    void check() {
        Settings.require(
                bootstrapServers != null && !bootstrapServers.isBlank(),
                "KAFKA_BOOTSTRAP_SERVERS must name at least one broker");
        Settings.require(
                (apiKey == null) == (apiSecret == null),
                "KAFKA_API_KEY and KAFKA_API_SECRET go together: set both or neither");
        Settings.require(
                START_FROM.contains(startFrom),
                "START_FROM must be one of " + START_FROM + ", not '" + startFrom + "'");
        Settings.require(
                fetchMinBytes >= 1 && fetchMaxWaitMs >= 0,
                "KAFKA_FETCH_MIN_BYTES must be at least 1 and KAFKA_FETCH_MAX_WAIT_MS at least 0");
    }

    /** Client properties shared by the source and the sinks: SASL_SSL when an API key is set. */
    public Properties clientProperties() {
        return KafkaAuth.clientProperties(apiKey, apiSecret, truststore, truststorePassword);
    }

    /** A topic name with this deployment's prefix. */
    public String topic(String name) {
        return topicPrefix == null || topicPrefix.isEmpty() ? name : topicPrefix + name;
    }

    @Override
    public String toString() {
        return "Kafka{bootstrapServers="
                + bootstrapServers
                + ", topicPrefix='"
                + topicPrefix
                + "', groupId="
                + groupId
                + ", auth="
                + (apiKey == null ? "none" : "SASL_SSL/PLAIN (key hidden)")
                + ", exactlyOnce="
                + exactlyOnce
                + ", startFrom="
                + startFrom
                + ", fetch="
                + fetchMinBytes
                + " bytes or "
                + fetchMaxWaitMs
                + " ms}";
    }
}
