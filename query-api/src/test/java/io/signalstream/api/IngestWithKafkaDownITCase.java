package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With the broker gone, a POST is refused promptly with 503 and Retry-After: never a silent loss.
 */
class IngestWithKafkaDownITCase {

    @Test
    void postAnswers503WithinTheBoundWhenKafkaIsDown() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);
            ApiSettings settings =
                    ApiSettings.local(
                            kafka.bootstrapServers(),
                            ApiKeys.parse("k1=demo-tenant"),
                            TestDirs.create("down-store"));
            try (QueryApi api = QueryApi.local(settings, 0).start()) {
                HttpRequest post =
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:" + api.port() + "/v1/messages"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer k1")
                                .timeout(Duration.ofSeconds(30))
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"conversation_id\":\"c1\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"hi\"}"))
                                .build();
                assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode())
                        .isEqualTo(202);

                kafka.stop();
                long started = System.nanoTime();
                HttpResponse<String> res = http.send(post, HttpResponse.BodyHandlers.ofString());
                long tookMs = (System.nanoTime() - started) / 1_000_000;

                assertThat(res.statusCode()).isEqualTo(503);
                assertThat(res.headers().firstValue("Retry-After")).isPresent();
                JsonNode problem = Json.newMapper().readTree(res.body());
                assertThat(problem.get("detail").asText()).contains("Retry", "message_id");
                // The id to retry with, and none of Kafka's own words (brokers, exceptions).
                assertThat(problem.get("message_id").asText()).isNotBlank();
                assertThat(res.body())
                        .doesNotContainIgnoringCase("exception")
                        .doesNotContain("127.0.0.1", "localhost", "Topic", "partition");
                // The contract: a bounded wait (5 s), not a hang. Generous margin for a loaded
                // machine.
                assertThat(tookMs).isLessThan(6_000);
                System.out.printf("POST with Kafka down answered 503 in %d ms%n", tookMs);
            }
        }
    }
}
