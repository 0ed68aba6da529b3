package io.signalstream.job.config;

import io.signalstream.model.Tracing;
import java.io.Serializable;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the job reads from its arguments and environment, read and checked once at the entry
 * point, then passed down by concern. Arguments ({@code --kebab-case}) win over environment
 * variables, which win over defaults. {@link #toString()} never prints secrets.
 *
 * @param parallelism {@code JOB_PARALLELISM}; -1 leaves it to the cluster
 * @param otlpEndpoint {@code OTEL_EXPORTER_OTLP_ENDPOINT}: where the job's spans (ingest, agents,
 *     model calls, aggregate writes) go over OTLP/HTTP; null for none (the default)
 */
public record JobConfig(
        Provider provider,
        KafkaSettings kafka,
        ConversationSettings conversations,
        AgentSettings agents,
        GeminiSettings gemini,
        OutputSettings output,
        int parallelism,
        String otlpEndpoint)
        implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(JobConfig.class);

    /** Reads and checks the configuration; a setting that cannot work fails here, named. */
    public static JobConfig from(String[] args, Map<String, String> env) {
        Settings s = new Settings(args, env);
        if (s.present("AGGREGATE_EMIT_INTERVAL_MS")) {
            LOG.warn(
                    "AGGREGATE_EMIT_INTERVAL_MS is no longer read: every message now gives exactly"
                            + " one aggregate version");
        }
        JobConfig config =
                new JobConfig(
                        Provider.parse(s.text("ai-provider", "AI_PROVIDER", "local")),
                        KafkaSettings.read(s),
                        ConversationSettings.read(s),
                        AgentSettings.read(s),
                        GeminiSettings.read(s),
                        OutputSettings.read(s),
                        s.integer("parallelism", "JOB_PARALLELISM", -1),
                        Tracing.endpoint(
                                s.text(
                                        "otel-exporter-otlp-endpoint",
                                        Tracing.ENDPOINT_VARIABLE,
                                        "")));
        config.check();
        return config;
    }

    /** Defaults for a broker at {@code bootstrapServers}. */
    public static JobConfig local(String bootstrapServers) {
        return from(new String[] {"--bootstrap-servers", bootstrapServers}, Map.of());
    }

    /** Fails on settings that cannot work, with a message naming the setting. */
    public void check() {
        kafka.check();
        conversations.check();
        agents.check();
        output.check();
        if (provider == Provider.GEMINI) {
            gemini.check();
        }
    }

    @Override
    public String toString() {
        return "JobConfig{provider="
                + provider.wireName()
                + ", "
                + kafka
                + ", "
                + conversations
                + ", "
                + agents
                + ", "
                + output
                + (provider == Provider.GEMINI ? ", " + gemini : "")
                + ", parallelism="
                + parallelism
                + ", otlpEndpoint="
                + (otlpEndpoint == null ? "off" : otlpEndpoint)
                + "}";
    }
}
