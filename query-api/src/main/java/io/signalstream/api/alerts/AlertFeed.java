package io.signalstream.api.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.feed.TopicFollower;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.Json;
import java.io.IOException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert feed of every API instance: follows {@code support.alerts} from its start (7 days),
 * keeps the newest alerts per tenant ({@link RecentAlerts}) and sends each new one to the tenant's
 * {@code /ws/alerts} sessions as {@code {"type":"alert","data":{...}}}. An alert id seen before (a
 * replay) is neither kept twice nor sent again.
 */
public final class AlertFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);

    private final RecentAlerts recent;
    private final Fanout streams;
    private final ObjectMapper mapper = Json.newMapper();
    private TopicFollower follower;

    public AlertFeed(RecentAlerts recent, Fanout streams) {
        this.recent = recent;
        this.streams = streams;
    }

    /** Starts following {@code topic}. */
    public AlertFeed follow(Properties client, String topic) {
        follower = new TopicFollower(client, topic, r -> accept(r.value())).start();
        return this;
    }

    /** Takes one record's value from the topic; one that cannot be read is logged and skipped. */
    public void accept(byte[] value) {
        if (value == null) {
            return;
        }
        JsonNode alert;
        try {
            alert = mapper.readTree(value);
        } catch (IOException e) {
            LOG.warn("skipped an alert that is not JSON: {}", e.getMessage());
            return;
        }
        if (!(alert instanceof ObjectNode node)) {
            return;
        }
        try {
            if (recent.add(node)) {
                streams.broadcast(
                        node.path("tenant_id").asText(),
                        "{\"type\":\"alert\",\"data\":" + node + "}");
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("skipped an alert: {}", e.getMessage());
        }
    }

    public RecentAlerts recent() {
        return recent;
    }

    public Fanout streams() {
        return streams;
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
        streams.close();
    }
}
