package io.signalstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.model.Json;
import java.util.List;

/**
 * {@code GET /health}: the process is alive. {@code GET /health/ready}: Kafka answers and every
 * view has read its topic's history, so queries give current answers; each view says how far behind
 * it is, and the pipeline's state is shown beside them. {@code GET /health/pipeline}: 503 while the
 * job is stalled (messages waiting, its committed offsets not moving).
 *
 * <p>Readiness does not depend on the job: while the job is down the API still accepts messages
 * durably and serves what it has, so taking it out of a load balancer would only lose messages at
 * the clients. The job's state is for alerts ({@code signalstream_pipeline_*} metrics).
 */
final class HealthService implements HttpService {

    /** One view in the readiness answer. */
    record View(String name, String topic, String state, long lag) {}

    /** The job, seen from its consumer group. */
    record Pipeline(String state, long lag, long stalledForSeconds) {
        static Pipeline of(PipelineWatch.Status status) {
            return new Pipeline(status.state().label(), status.lag(), status.stalledForMs() / 1000);
        }
    }

    /** The readiness answer. */
    record Ready(String status, String kafka, List<View> views, Pipeline pipeline) {}

    private final Readiness readiness;
    private final ObjectMapper mapper = Json.newMapper();

    HealthService(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::live).get("/ready", this::ready).get("/pipeline", this::pipeline);
    }

    private void live(ServerRequest req, ServerResponse res) {
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send("{\"status\":\"UP\"}");
    }

    private void ready(ServerRequest req, ServerResponse res) throws JsonProcessingException {
        boolean kafka = readiness.kafkaReachable();
        List<TopicFeed.ViewStatus> views = readiness.views();
        boolean caughtUp = views.stream().allMatch(TopicFeed.ViewStatus::caughtUp);
        boolean up = kafka && caughtUp;
        Ready body =
                new Ready(
                        up ? "UP" : "DOWN",
                        kafka ? "reachable" : "unreachable",
                        views.stream()
                                .map(
                                        v ->
                                                new View(
                                                        v.view(),
                                                        v.topic(),
                                                        v.caughtUp() ? "caught_up" : "catching_up",
                                                        v.lag()))
                                .toList(),
                        Pipeline.of(readiness.pipeline()));
        res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }

    private void pipeline(ServerRequest req, ServerResponse res) throws JsonProcessingException {
        PipelineWatch.Status status = readiness.pipeline();
        boolean stalled = status.state() == PipelineWatch.State.STALLED;
        res.status(stalled ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(Pipeline.of(status)));
    }
}
