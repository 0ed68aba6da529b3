package io.signalstream.job.agents;

import java.io.Serializable;
import java.util.Collection;
import java.util.function.Predicate;

/** Tells the async retry strategy to call the agent again when the outcome is a failure. */
public final class RetryOnFailedOutcome
        implements Predicate<Collection<AgentOutcome>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean test(Collection<AgentOutcome> outcomes) {
        return outcomes.stream().anyMatch(AgentOutcome::failed);
    }
}
