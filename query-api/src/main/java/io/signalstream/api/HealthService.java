package io.signalstream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.model.Json;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code GET /health}: the process is alive. {@code GET /health/ready}: Kafka answers and the view
 * has read the aggregate topic's history, so queries give current answers.
 */
final class HealthService implements HttpService, AutoCloseable {

    private static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final IntelligenceView view;
    private final Admin admin;

    HealthService(IntelligenceView view, ApiSettings settings) {
        this.view = view;
        Properties props = settings.clientProperties();
        props.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(KAFKA_CHECK_TIMEOUT.toMillis()));
        props.put(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Long.toString(KAFKA_CHECK_TIMEOUT.toMillis()));
        this.admin = Admin.create(props);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::live).get("/ready", this::ready);
    }

    private void live(ServerRequest req, ServerResponse res) {
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send("{\"status\":\"UP\"}");
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean kafka = kafkaReachable();
        boolean caughtUp = view.caughtUp();
        ObjectNode body = Json.newMapper().createObjectNode();
        body.put("status", kafka && caughtUp ? "UP" : "DOWN");
        body.put("kafka", kafka ? "reachable" : "unreachable");
        body.put("view", caughtUp ? "caught_up" : "catching_up");
        body.put("conversations", view.size());
        res.status(kafka && caughtUp ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(body.toString());
    }

    private boolean kafkaReachable() {
        try {
            admin.describeCluster(
                            new DescribeClusterOptions()
                                    .timeoutMs((int) KAFKA_CHECK_TIMEOUT.toMillis()))
                    .clusterId()
                    .get(KAFKA_CHECK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
