package io.signalstream.api;

import io.signalstream.api.feed.TopicFeed;
import java.util.List;

/**
 * What {@code GET /health/ready} and {@code /health/pipeline} report: whether Kafka answers, how
 * far each view is, and whether the job keeps up.
 */
public interface Readiness {

    boolean kafkaReachable();

    /** Every view the API serves from. */
    List<TopicFeed.ViewStatus> views();

    /** Whether the job keeps up with what the API accepts; unknown where nothing watches it. */
    default PipelineWatch.Status pipeline() {
        return PipelineWatch.Status.UNKNOWN;
    }
}
