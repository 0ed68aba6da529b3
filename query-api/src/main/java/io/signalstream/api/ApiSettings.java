package io.signalstream.api;

import io.helidon.config.Config;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.api.webhooks.WebhookSettings;
import io.signalstream.model.KafkaAuth;
import io.signalstream.model.TokenBudgets;
import io.signalstream.model.Tracing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The API's settings, read once in {@link Main} from {@code application.yaml} under {@code
 * signalstream}, with environment variables taking precedence.
 *
 * @param apiKeys who may call, and as which tenant ({@code SIGNALSTREAM_API_KEYS}, {@code
 *     SIGNALSTREAM_API_KEYS_FILE}); the API refuses to start without any
 * @param produceTimeout how long a POST waits for Kafka before answering 503
 * @param ingestLinger how long the message log's producer gathers POSTs into one Kafka request
 *     ({@code KAFKA_INGEST_LINGER_MS}); each POST waits for its acknowledgement, so this adds to
 *     the 202 at light load and spares the broker a request per message under load
 * @param corsOrigins origins a separately hosted front end may call from ({@code
 *     SIGNALSTREAM_CORS_ORIGINS}, comma-separated; {@code *} for any); empty for none
 * @param maxBodyBytes the largest request body; larger ones get 413
 * @param ingestRatePerTenant messages a second each tenant may post on average ({@code
 *     SIGNALSTREAM_INGEST_RATE})
 * @param ingestBurstPerTenant and in one burst ({@code SIGNALSTREAM_INGEST_BURST})
 * @param store where the conversation store lives ({@code SIGNALSTREAM_STORE_DIR}; one per API
 *     process, kept across restarts) and how soon a write shows in lists and search ({@code
 *     SIGNALSTREAM_STORE_REFRESH})
 * @param feedFetch how long each fetch of the store feed waits on the broker for records ({@code
 *     SIGNALSTREAM_FEED_FETCH_MIN_BYTES}, {@code SIGNALSTREAM_FEED_FETCH_MAX_WAIT_MS})
 * @param streams the WebSocket caps ({@code SIGNALSTREAM_WS_MAX_SESSIONS}, {@code
 *     SIGNALSTREAM_WS_MAX_SESSIONS_PER_TENANT}, {@code SIGNALSTREAM_WS_MAX_QUEUED}, {@code
 *     SIGNALSTREAM_WS_SEND_TIMEOUT})
 * @param pipeline how the job's progress is watched ({@code JOB_GROUP_ID}, {@code
 *     SIGNALSTREAM_PIPELINE_STALL_AFTER})
 * @param webhooks which addresses webhooks may call and how deliveries retry ({@link
 *     WebhookSettings})
 * @param tokenBudgets the tenants' model token budgets, as the job has them ({@code
 *     GEMINI_TENANT_*}), shown by {@code GET /v1/usage}
 * @param otlpEndpoint where spans of {@code POST /v1/messages} go over OTLP/HTTP ({@code
 *     OTEL_EXPORTER_OTLP_ENDPOINT}); null for no spans (the default)
 */
public record ApiSettings(
        String bootstrapServers,
        String topicPrefix,
        ApiKeys apiKeys,
        Duration produceTimeout,
        Duration ingestLinger,
        Properties kafkaAuth,
        List<String> corsOrigins,
        int maxBodyBytes,
        double ingestRatePerTenant,
        int ingestBurstPerTenant,
        LuceneConversationStore.Settings store,
        TopicFeed.Fetch feedFetch,
        Fanout.Limits streams,
        PipelineWatch.Settings pipeline,
        WebhookSettings webhooks,
        TokenBudgets tokenBudgets,
        String otlpEndpoint) {

    public ApiSettings {
        otlpEndpoint = Tracing.endpoint(otlpEndpoint);
        if (ingestLinger.isNegative() || ingestLinger.compareTo(produceTimeout) >= 0) {
            throw new IllegalArgumentException(
                    "KAFKA_INGEST_LINGER_MS must be at least 0 and below the produce timeout ("
                            + produceTimeout.toMillis()
                            + " ms), not "
                            + ingestLinger.toMillis());
        }
    }

    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public static final long DEFAULT_INGEST_LINGER_MS = 1;

    /** The bounds of {@code SIGNALSTREAM_STORE_REFRESH}: lists and search at most a minute late. */
    static final Duration MIN_STORE_REFRESH = Duration.ofMillis(10);

    static final Duration MAX_STORE_REFRESH = Duration.ofMinutes(1);

    public static ApiSettings from(Config signalstream, Map<String, String> env) {
        Config kafka = signalstream.get("kafka");
        Config limits = signalstream.get("limits");
        Config streams = signalstream.get("streams");
        ApiKeys keys = ApiKeys.parse(env.get("SIGNALSTREAM_API_KEYS"));
        String keysFile =
                env.getOrDefault(
                        "SIGNALSTREAM_API_KEYS_FILE",
                        signalstream.get("api-keys-file").asString().orElse(""));
        if (!keysFile.isBlank()) {
            keys = keys.and(ApiKeys.file(Path.of(keysFile)));
        }
        return new ApiSettings(
                env.getOrDefault(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        kafka.get("bootstrap-servers").asString().orElse("localhost:9092")),
                env.getOrDefault("TOPIC_PREFIX", kafka.get("topic-prefix").asString().orElse("")),
                keys,
                kafka.get("produce-timeout").as(Duration.class).orElse(Duration.ofSeconds(4)),
                Duration.ofMillis(
                        Long.parseLong(
                                env.getOrDefault(
                                        "KAFKA_INGEST_LINGER_MS",
                                        kafka.get("ingest-linger-ms")
                                                .asString()
                                                .orElse(Long.toString(DEFAULT_INGEST_LINGER_MS))))),
                KafkaAuth.clientProperties(
                        env.get("KAFKA_API_KEY"),
                        env.get("KAFKA_API_SECRET"),
                        env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"),
                        env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD")),
                list(
                        env.getOrDefault(
                                "SIGNALSTREAM_CORS_ORIGINS",
                                signalstream.get("cors-origins").asString().orElse(""))),
                limits.get("max-body-bytes").asInt().orElse(DEFAULT_MAX_BODY_BYTES),
                Double.parseDouble(
                        env.getOrDefault(
                                "SIGNALSTREAM_INGEST_RATE",
                                limits.get("ingest-rate-per-tenant").asString().orElse("200"))),
                Integer.parseInt(
                        env.getOrDefault(
                                "SIGNALSTREAM_INGEST_BURST",
                                limits.get("ingest-burst-per-tenant").asString().orElse("400"))),
                store(signalstream, env),
                feedFetch(signalstream, env),
                new Fanout.Limits(
                        intSetting(
                                env,
                                "SIGNALSTREAM_WS_MAX_SESSIONS",
                                streams.get("max-sessions"),
                                Fanout.Limits.DEFAULTS.maxSessions()),
                        intSetting(
                                env,
                                "SIGNALSTREAM_WS_MAX_SESSIONS_PER_TENANT",
                                streams.get("max-sessions-per-tenant"),
                                Fanout.Limits.DEFAULTS.maxSessionsPerTenant()),
                        intSetting(
                                env,
                                "SIGNALSTREAM_WS_MAX_QUEUED",
                                streams.get("max-queued"),
                                Fanout.Limits.DEFAULTS.maxQueued()),
                        DurationSetting.read(
                                "SIGNALSTREAM_WS_SEND_TIMEOUT",
                                env.getOrDefault(
                                        "SIGNALSTREAM_WS_SEND_TIMEOUT",
                                        streams.get("send-timeout").asString().orElse("")),
                                Fanout.Limits.DEFAULTS.sendTimeout(),
                                null,
                                null)),
                PipelineWatch.Settings.from(env),
                WebhookSettings.from(env),
                TokenBudgets.fromEnvironment(env),
                env.get(Tracing.ENDPOINT_VARIABLE));
    }

    private static LuceneConversationStore.Settings store(
            Config signalstream, Map<String, String> env) {
        LuceneConversationStore.Settings store =
                LuceneConversationStore.Settings.defaults(
                        Path.of(
                                env.getOrDefault(
                                        "SIGNALSTREAM_STORE_DIR",
                                        signalstream
                                                .get("store-dir")
                                                .asString()
                                                .orElse("data/api-store"))));
        return store.withRefreshInterval(
                DurationSetting.read(
                        "SIGNALSTREAM_STORE_REFRESH",
                        env.getOrDefault(
                                "SIGNALSTREAM_STORE_REFRESH",
                                signalstream.get("store-refresh").asString().orElse("")),
                        store.refreshInterval(),
                        MIN_STORE_REFRESH,
                        MAX_STORE_REFRESH));
    }

    private static TopicFeed.Fetch feedFetch(Config signalstream, Map<String, String> env) {
        Config feed = signalstream.get("feed");
        int minBytes =
                intSetting(
                        env,
                        "SIGNALSTREAM_FEED_FETCH_MIN_BYTES",
                        feed.get("fetch-min-bytes"),
                        TopicFeed.Fetch.DEFAULTS.minBytes(),
                        1,
                        TopicFeed.Fetch.MAX_MIN_BYTES);
        int maxWaitMs =
                intSetting(
                        env,
                        "SIGNALSTREAM_FEED_FETCH_MAX_WAIT_MS",
                        feed.get("fetch-max-wait-ms"),
                        (int) TopicFeed.Fetch.DEFAULTS.maxWait().toMillis(),
                        (int) TopicFeed.Fetch.MIN_MAX_WAIT.toMillis(),
                        (int) TopicFeed.Fetch.MAX_MAX_WAIT.toMillis());
        return new TopicFeed.Fetch(minBytes, Duration.ofMillis(maxWaitMs));
    }

    /** {@link #intSetting(Map, String, Config, int)}, refused naming the setting outside bounds. */
    private static int intSetting(
            Map<String, String> env, String name, Config config, int dflt, int min, int max) {
        int value = intSetting(env, name, config, dflt);
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be " + min + " to " + max + ", not " + value);
        }
        return value;
    }

    private static int intSetting(Map<String, String> env, String name, Config config, int dflt) {
        String value = env.get(name);
        if (value == null) {
            return config.asInt().orElse(dflt);
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a whole number, not '" + value + "'");
        }
    }

    /**
     * Settings for a plain local broker, the store in {@code storeDir}: the local stack and tests.
     */
    public static ApiSettings local(String bootstrapServers, ApiKeys keys, Path storeDir) {
        return new ApiSettings(
                bootstrapServers,
                "",
                keys,
                Duration.ofSeconds(4),
                Duration.ofMillis(DEFAULT_INGEST_LINGER_MS),
                new Properties(),
                List.of(),
                DEFAULT_MAX_BODY_BYTES,
                200,
                400,
                LuceneConversationStore.Settings.defaults(storeDir),
                TopicFeed.Fetch.DEFAULTS,
                Fanout.Limits.DEFAULTS,
                PipelineWatch.Settings.DEFAULTS,
                WebhookSettings.LOCAL,
                TokenBudgets.NONE,
                null);
    }

    /** A copy with another ingest rate limit. */
    public ApiSettings withIngestLimit(double ratePerSecond, int burst) {
        return copy(
                c -> {
                    c.ingestRatePerTenant = ratePerSecond;
                    c.ingestBurstPerTenant = burst;
                });
    }

    /** A copy with other WebSocket caps. */
    public ApiSettings withStreams(Fanout.Limits limits) {
        return copy(c -> c.streams = limits);
    }

    /** A copy that watches the job with other settings. */
    public ApiSettings withPipeline(PipelineWatch.Settings watch) {
        return copy(c -> c.pipeline = watch);
    }

    /** A copy with other webhook settings. */
    public ApiSettings withWebhooks(WebhookSettings hooks) {
        return copy(c -> c.webhooks = hooks);
    }

    /** A copy with the tenants' token budgets the job was given. */
    public ApiSettings withTokenBudgets(TokenBudgets budgets) {
        return copy(c -> c.tokenBudgets = budgets);
    }

    /** A copy that sends spans to {@code endpoint} (null for none). */
    public ApiSettings withOtlpEndpoint(String endpoint) {
        return copy(c -> c.otlpEndpoint = endpoint);
    }

    private ApiSettings copy(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The settings' components, to change some in a copy. */
    private static final class Copy {
        private final ApiSettings from;
        double ingestRatePerTenant;
        int ingestBurstPerTenant;
        Fanout.Limits streams;
        PipelineWatch.Settings pipeline;
        WebhookSettings webhooks;
        TokenBudgets tokenBudgets;
        String otlpEndpoint;

        Copy(ApiSettings from) {
            this.from = from;
            ingestRatePerTenant = from.ingestRatePerTenant;
            ingestBurstPerTenant = from.ingestBurstPerTenant;
            streams = from.streams;
            pipeline = from.pipeline;
            webhooks = from.webhooks;
            tokenBudgets = from.tokenBudgets;
            otlpEndpoint = from.otlpEndpoint;
        }

        ApiSettings build() {
            return new ApiSettings(
                    from.bootstrapServers,
                    from.topicPrefix,
                    from.apiKeys,
                    from.produceTimeout,
                    from.ingestLinger,
                    from.kafkaAuth,
                    from.corsOrigins,
                    from.maxBodyBytes,
                    ingestRatePerTenant,
                    ingestBurstPerTenant,
                    from.store,
                    from.feedFetch,
                    streams,
                    pipeline,
                    webhooks,
                    tokenBudgets,
                    otlpEndpoint);
        }
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Where the conversation store lives. */
    public Path storeDir() {
        return store.directory();
    }

    /** Properties every Kafka client of the API starts from. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(kafkaAuth);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** Never prints API keys or Kafka credentials. */
    @Override
    public String toString() {
        return "ApiSettings{bootstrapServers="
                + bootstrapServers
                + ", topicPrefix='"
                + topicPrefix
                + "', apiKeys="
                + apiKeys
                + ", produceTimeout="
                + produceTimeout
                + ", ingestLinger="
                + ingestLinger
                + ", corsOrigins="
                + corsOrigins
                + ", maxBodyBytes="
                + maxBodyBytes
                + ", ingestRatePerTenant="
                + ingestRatePerTenant
                + "/s burst "
                + ingestBurstPerTenant
                + ", store="
                + store.directory()
                + " (refresh "
                + store.refreshInterval()
                + ")"
                + ", streams="
                + streams
                + ", otlpEndpoint="
                + (otlpEndpoint == null ? "off" : otlpEndpoint)
                + ", webhooks allow "
                + webhooks.allow()
                + ", kafkaAuth="
                + (kafkaAuth.isEmpty()
                        ? "none"
                        : kafkaAuth.getProperty("security.protocol") + " (credentials hidden)")
                + "}";
    }
}
