package io.signalstream.api;

import io.signalstream.api.feed.TopicFeed;
import java.util.List;

/** What {@code GET /health/ready} reports: whether Kafka answers, and how far each view is. */
public interface Readiness {

    boolean kafkaReachable();

    /** Every view the API serves from. */
    List<TopicFeed.ViewStatus> views();
}
