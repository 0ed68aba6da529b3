package io.signalstream.api;

import io.helidon.config.Config;
import io.signalstream.model.KafkaAuth;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The API's settings, read once in {@link Main} from {@code application.yaml} under {@code
 * signalstream}, with the original design's environment variables taking precedence.
 *
 * @param defaultTenant the tenant of requests that name none
 * @param tenantHeaderEnabled whether {@code X-Tenant-ID} may pick the tenant (development only)
 * @param produceTimeout how long a POST waits for Kafka before answering 503
 */
public record ApiSettings(
        String bootstrapServers,
        String topicPrefix,
        String defaultTenant,
        boolean tenantHeaderEnabled,
        Duration produceTimeout,
        Properties kafkaAuth) {

    public static ApiSettings from(Config signalstream, Map<String, String> env) {
        Config kafka = signalstream.get("kafka");
        return new ApiSettings(
                env.getOrDefault(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        kafka.get("bootstrap-servers").asString().orElse("localhost:9092")),
                env.getOrDefault("TOPIC_PREFIX", kafka.get("topic-prefix").asString().orElse("")),
                signalstream.get("tenants.default").asString().orElse("demo-tenant"),
                signalstream.get("tenants.header-enabled").asBoolean().orElse(true),
                kafka.get("produce-timeout").as(Duration.class).orElse(Duration.ofSeconds(4)),
                KafkaAuth.clientProperties(
                        env.get("KAFKA_API_KEY"),
                        env.get("KAFKA_API_SECRET"),
                        env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"),
                        env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD")));
    }

    /** Properties every Kafka client of the API starts from. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(kafkaAuth);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** Never prints the Kafka credentials. */
    @Override
    public String toString() {
        return "ApiSettings{bootstrapServers="
                + bootstrapServers
                + ", topicPrefix='"
                + topicPrefix
                + "', defaultTenant="
                + defaultTenant
                + ", tenantHeaderEnabled="
                + tenantHeaderEnabled
                + ", produceTimeout="
                + produceTimeout
                + ", kafkaAuth="
                + (kafkaAuth.isEmpty()
                        ? "none"
                        : kafkaAuth.getProperty("security.protocol") + " (credentials hidden)")
                + "}";
    }
}
