package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.signalstream.api.ApiKeys;
import io.signalstream.api.ApiSettings;
import io.signalstream.api.PipelineWatch;
import io.signalstream.api.QueryApi;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.store.StoredAggregate;
import io.signalstream.api.stream.Fanout;
import io.signalstream.api.webhooks.WebhookSettings;
import io.signalstream.job.SignalStreamJob;
import io.signalstream.job.config.JobConfig;
import io.signalstream.job.rules.RuleBook;
import io.signalstream.job.sink.KafkaSinks;
import io.signalstream.job.source.KafkaSources;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Json;
import io.signalstream.model.KafkaAuth;
import io.signalstream.model.TokenBudgets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job and the API against a broker that, like Confluent Cloud, only takes SASL_SSL with PLAIN
 * credentials: the original design's KAFKA_API_KEY / KAFKA_API_SECRET. A wrong secret is refused.
 */
class ManagedKafkaITCase {

    private static final String PASSWORD = "changeit";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir Path dir;

    /** A self-signed broker certificate for 127.0.0.1 and a truststore with it, made by keytool. */
    private void makeCertificates() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore",
                dir.resolve("broker.p12").toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        run(
                keytool,
                "-exportcert",
                "-alias",
                "broker",
                "-keystore",
                dir.resolve("broker.p12").toString(),
                "-storepass",
                PASSWORD,
                "-file",
                dir.resolve("broker.crt").toString());
        run(
                keytool,
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                dir.resolve("broker.crt").toString(),
                "-keystore",
                dir.resolve("trust.p12").toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    private static final String API_KEY = "managed-" + UUID.randomUUID();

    private static ApiSettings settings(String bootstrap, String secret, String truststore) {
        return new ApiSettings(
                bootstrap,
                "",
                ApiKeys.parse(API_KEY + "=demo-tenant"),
                Duration.ofSeconds(4),
                Duration.ofMillis(ApiSettings.DEFAULT_INGEST_LINGER_MS),
                KafkaAuth.clientProperties("signalstream", secret, truststore, PASSWORD),
                List.of(),
                ApiSettings.DEFAULT_MAX_BODY_BYTES,
                200,
                400,
                LuceneConversationStore.Settings.defaults(storeDir()),
                TopicFeed.Fetch.DEFAULTS,
                Fanout.Limits.DEFAULTS,
                PipelineWatch.Settings.DEFAULTS,
                WebhookSettings.DEFAULTS,
                TokenBudgets.NONE,
                null);
    }

    private static Path storeDir() {
        try {
            Path dir = Files.createTempDirectory("managed-store");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static QueryApi api(ApiSettings settings) {
        return new QueryApi(
                Config.just(ConfigSources.create(Map.of("port", "0", "host", "127.0.0.1"))),
                settings);
    }

    private static AggregatedIntelligence parse(StoredAggregate stored) {
        try {
            return Json.newMapper().readValue(stored.json(), AggregatedIntelligence.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int post(QueryApi api, String id) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:" + api.port() + "/v1/messages"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + API_KEY)
                                .timeout(Duration.ofSeconds(30))
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"conversation_id\":\"secure-1\",\"message_id\":\""
                                                        + id
                                                        + "\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"hello\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void jobAndApiAuthenticateWithApiKeyAndSecret() throws Exception {
        // The API shares this JVM with a Flink MiniCluster (see LocalStack).
        System.setProperty("helidon.serialFilter.missing.action", "IGNORE");
        makeCertificates();
        String truststore = dir.resolve("trust.p12").toString();
        try (EmbeddedKafka kafka =
                EmbeddedKafka.builder()
                        .saslSsl(
                                new EmbeddedKafka.SaslSsl(
                                        dir.resolve("broker.p12"),
                                        PASSWORD,
                                        "signalstream",
                                        "api-secret"))
                        .build()
                        .start()) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);
            String secured = kafka.saslSslBootstrapServers();

            JobConfig jobConfig =
                    JobConfig.from(
                            new String[] {
                                "--bootstrap-servers", secured,
                                "--kafka-api-key", "signalstream",
                                "--kafka-api-secret", "api-secret",
                                "--kafka-truststore", truststore,
                                "--kafka-truststore-password", PASSWORD
                            },
                            Map.of());
            assertThat(jobConfig.toString()).doesNotContain("api-secret").contains("SASL_SSL");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            SignalStreamJob.defineWorkflow(
                    env,
                    KafkaSources.messages(jobConfig.kafka()),
                    RuleBook.kafka(jobConfig.kafka()),
                    new KafkaSinks(jobConfig.kafka(), jobConfig.output()),
                    jobConfig);
            JobClient job = env.executeAsync("secured");

            ApiSettings goodSettings = settings(secured, "api-secret", truststore);
            assertThat(goodSettings.toString()).doesNotContain("api-secret").contains("SASL_SSL");
            try (QueryApi good = api(goodSettings).start();
                    QueryApi bad = api(settings(secured, "wrong-secret", truststore)).start()) {
                assertThat(post(good, "s1")).isEqualTo(202);
                await().atMost(Duration.ofSeconds(90))
                        .until(
                                () ->
                                        good.store()
                                                .aggregate("demo-tenant/secure-1")
                                                .map(ManagedKafkaITCase::parse)
                                                .map(
                                                        a ->
                                                                a.messageCount() == 1
                                                                        && a.agents().size() == 5)
                                                .orElse(false));

                // A wrong secret never gets a message in: 503, nothing accepted
                assertThat(post(bad, "s2")).isEqualTo(503);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
