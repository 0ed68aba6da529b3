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
 * it is.
 */
final class HealthService implements HttpService {

    /** One view in the readiness answer. */
    record View(String name, String topic, String state, long lag) {}

    /** The readiness answer. */
    record Ready(String status, String kafka, List<View> views) {}

    private final Readiness readiness;
    private final ObjectMapper mapper = Json.newMapper();

    HealthService(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::live).get("/ready", this::ready);
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
                                .toList());
        res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }
}
