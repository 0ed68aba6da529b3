package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The job's progress seen from its consumer group: messages waiting with offsets that do not move
 * make {@code /health/pipeline} answer 503 and the lag metric show them, while readiness stays UP
 * (ingest still works); once the group commits, the pipeline is running again with no lag.
 */
class PipelineWatchITCase {

    private static final String GROUP = "pipeline-watch-job";

    @Test
    void aJobThatStopsCommittingIsReportedStalledAndRecoversWhenItCommits() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);
            ApiSettings settings =
                    ApiSettings.local(
                                    kafka.bootstrapServers(),
                                    ApiKeys.parse("k1=demo-tenant"),
                                    TestDirs.create("pipeline-store"))
                            .withPipeline(
                                    new PipelineWatch.Settings(
                                            GROUP, Duration.ofSeconds(1), Duration.ofMillis(200)));
            try (QueryApi api = QueryApi.local(settings, 0).start()) {
                String base = "http://127.0.0.1:" + api.port();
                for (int i = 0; i < 3; i++) {
                    HttpRequest post =
                            HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer k1")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"conversation_id\":\"c1\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\"hi "
                                                            + i
                                                            + "\"}"))
                                    .build();
                    assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode())
                            .isEqualTo(202);
                }

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> get(http, base + "/health/pipeline").statusCode() == 503);
                JsonNode stalled =
                        Json.newMapper().readTree(get(http, base + "/health/pipeline").body());
                assertThat(stalled.get("state").asText()).isEqualTo("stalled");
                assertThat(stalled.get("lag").asLong()).isEqualTo(3);
                HttpResponse<String> ready = get(http, base + "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(Json.newMapper().readTree(ready.body()).at("/pipeline/state").asText())
                        .isEqualTo("stalled");
                assertThat(get(http, base + "/metrics").body())
                        .contains("signalstream_pipeline_lag 3.0")
                        .containsPattern("signalstream_pipeline_stalled_seconds [1-9]");

                commitToTheEnd(kafka.bootstrapServers());

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> get(http, base + "/health/pipeline").statusCode() == 200);
                JsonNode running =
                        Json.newMapper().readTree(get(http, base + "/health/pipeline").body());
                assertThat(running.get("state").asText()).isEqualTo("running");
                assertThat(running.get("lag").asLong()).isZero();
                assertThat(running.get("stalled_for_seconds").asLong()).isZero();
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(uri)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the job does at a checkpoint: its group's offsets move to what it has read. */
    private static void commitToTheEnd(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            TopicPartition raw = new TopicPartition(Topics.MESSAGES_RAW, 0);
            long end =
                    admin.listOffsets(Map.of(raw, OffsetSpec.latest()))
                            .partitionResult(raw)
                            .get()
                            .offset();
            admin.alterConsumerGroupOffsets(GROUP, Map.of(raw, new OffsetAndMetadata(end)))
                    .all()
                    .get();
        }
    }
}
