package io.signalstream.api;

import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Topics;

/**
 * The latest aggregate of every conversation, from the compacted {@code support.ai.aggregated}
 * topic; the highest {@code version} wins.
 */
public final class IntelligenceView extends CompactedView<AggregatedIntelligence> {

    public IntelligenceView(ApiSettings settings) {
        super(
                settings,
                Topics.prefixed(settings.topicPrefix(), Topics.AI_AGGREGATED),
                AggregatedIntelligence.class,
                AggregatedIntelligence::key,
                AggregatedIntelligence::version);
    }
}
