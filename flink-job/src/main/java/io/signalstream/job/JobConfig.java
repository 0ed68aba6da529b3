package io.signalstream.job;

import io.signalstream.job.agents.Agents;
import io.signalstream.job.agents.gemini.GeminiConfig;
import io.signalstream.model.KafkaAuth;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.util.ParameterTool;

/**
 * Everything the job reads from its arguments and environment, read once at the entry point and
 * passed down. Arguments win over environment variables, which win over defaults.
 *
 * <p>{@link #toString()} never prints secrets, so the configuration can be logged.
 */
public record JobConfig(
        String bootstrapServers,
        String topicPrefix,
        String groupId,
        String aiProvider,
        int recentWindow,
        Duration conversationTtl,
        String phoneRegion,
        Duration agentTimeout,
        int agentCapacity,
        int agentMaxAttempts,
        Duration agentRetryDelay,
        boolean exactlyOnce,
        String transactionalIdPrefix,
        int parallelism,
        String kafkaApiKey,
        String kafkaApiSecret,
        String kafkaTruststore,
        String kafkaTruststorePassword,
        GeminiConfig gemini,
        Duration aggregateEmitInterval)
        implements Serializable {

    public static final String DEFAULT_PROVIDER = "local";

    /** Reads {@code --kebab-case} arguments, then the documented environment variables. */
    public static JobConfig from(String[] args, Map<String, String> env) {
        ParameterTool params = ParameterTool.fromArgs(args);
        Settings s = new Settings(params, env);
        return new JobConfig(
                s.get("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                s.get("topic-prefix", "TOPIC_PREFIX", ""),
                s.get("group-id", "KAFKA_GROUP_ID", "signalstream-job"),
                s.get("ai-provider", "AI_PROVIDER", DEFAULT_PROVIDER),
                Integer.parseInt(s.get("recent-window", "RECENT_WINDOW", "20")),
                Duration.parse(s.get("conversation-ttl", "CONVERSATION_TTL", "P7D")),
                s.get("phone-region", "PII_PHONE_REGION", "US"),
                Duration.ofMillis(
                        Long.parseLong(s.get("agent-timeout-ms", "AGENT_TIMEOUT_MS", "30000"))),
                Integer.parseInt(s.get("agent-capacity", "MAX_CONCURRENT_AI_REQUESTS", "50")),
                Integer.parseInt(s.get("agent-max-attempts", "AGENT_MAX_ATTEMPTS", "3")),
                Duration.ofMillis(
                        Long.parseLong(
                                s.get("agent-retry-delay-ms", "AGENT_RETRY_DELAY_MS", "200"))),
                Boolean.parseBoolean(s.get("exactly-once", "EXACTLY_ONCE", "false")),
                s.get("transactional-id-prefix", "TRANSACTIONAL_ID_PREFIX", "signalstream"),
                Integer.parseInt(s.get("parallelism", "JOB_PARALLELISM", "-1")),
                s.get("kafka-api-key", "KAFKA_API_KEY", null),
                s.get("kafka-api-secret", "KAFKA_API_SECRET", null),
                s.get("kafka-truststore", "KAFKA_SSL_TRUSTSTORE_LOCATION", null),
                s.get("kafka-truststore-password", "KAFKA_SSL_TRUSTSTORE_PASSWORD", null),
                new GeminiConfig(
                        s.get("gemini-api-key", "GEMINI_API_KEY", null),
                        s.get("gemini-model", "GEMINI_MODEL", GeminiConfig.DEFAULT_MODEL),
                        s.get("gemini-base-url", "GEMINI_BASE_URL", null),
                        Double.parseDouble(
                                s.get("gemini-temperature", "GEMINI_TEMPERATURE", "0.3")),
                        Integer.parseInt(s.get("gemini-rpm-limit", "GEMINI_RPM_LIMIT", "1000")),
                        Integer.parseInt(
                                s.get(
                                        "gemini-max-output-tokens",
                                        "GEMINI_MAX_OUTPUT_TOKENS",
                                        "1024")),
                        Duration.ofMillis(
                                Long.parseLong(
                                        s.get(
                                                "gemini-request-timeout-ms",
                                                "GEMINI_REQUEST_TIMEOUT_MS",
                                                "10000"))),
                        Boolean.parseBoolean(s.get("gemini-pii", "GEMINI_PII", "false")),
                        Duration.ofMillis(
                                Long.parseLong(
                                        s.get(
                                                "gemini-summary-quiet-ms",
                                                "GEMINI_SUMMARY_QUIET_MS",
                                                "10000"))),
                        Integer.parseInt(
                                s.get("gemini-summary-every", "GEMINI_SUMMARY_EVERY", "5"))),
                Duration.ofMillis(
                        Long.parseLong(
                                s.get(
                                        "aggregate-emit-interval-ms",
                                        "AGGREGATE_EMIT_INTERVAL_MS",
                                        "0"))));
    }

    /**
     * Fails at job start on settings that cannot work together. Coalesced aggregates depend on
     * timing: after a failover an at-least-once sink may already have published a version the
     * replay then numbers differently, and the view, which keeps the highest version, could keep
     * the earlier, partial one. With transactions nothing uncommitted is ever seen.
     */
    public void check() {
        if (!aggregateEmitInterval.isZero() && !exactlyOnce) {
            throw new IllegalArgumentException(
                    "AGGREGATE_EMIT_INTERVAL_MS > 0 needs EXACTLY_ONCE=true: coalesced aggregates"
                            + " are numbered by timing, which an at-least-once replay can repeat"
                            + " differently");
        }
    }

    /** Defaults suitable for a local broker at {@code bootstrapServers}. */
    public static JobConfig local(String bootstrapServers) {
        return from(new String[] {"--bootstrap-servers", bootstrapServers}, Map.of());
    }

    /** Client properties shared by the source and the sinks: SASL_SSL when an API key is set. */
    public Properties kafkaClientProperties() {
        return KafkaAuth.clientProperties(
                kafkaApiKey, kafkaApiSecret, kafkaTruststore, kafkaTruststorePassword);
    }

    @Override
    public String toString() {
        return "JobConfig{bootstrapServers="
                + bootstrapServers
                + ", topicPrefix='"
                + topicPrefix
                + "', groupId="
                + groupId
                + ", aiProvider="
                + aiProvider
                + ", recentWindow="
                + recentWindow
                + ", conversationTtl="
                + conversationTtl
                + ", phoneRegion="
                + phoneRegion
                + ", agentTimeout="
                + agentTimeout
                + ", agentCapacity="
                + agentCapacity
                + ", agentMaxAttempts="
                + agentMaxAttempts
                + ", aggregateEmitInterval="
                + aggregateEmitInterval
                + ", exactlyOnce="
                + exactlyOnce
                + ", parallelism="
                + parallelism
                + ", kafkaAuth="
                + (kafkaApiKey == null ? "none" : "SASL_SSL/PLAIN (key hidden)")
                + (Agents.GEMINI.equals(aiProvider) ? ", gemini=" + gemini : "")
                + "}";
    }

    /** Looks a setting up by argument name, then environment variable, then default. */
    private record Settings(ParameterTool params, Map<String, String> env) {
        String get(String arg, String envVar, String fallback) {
            if (params.has(arg)) {
                return params.get(arg);
            }
            String value = env.get(envVar);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
