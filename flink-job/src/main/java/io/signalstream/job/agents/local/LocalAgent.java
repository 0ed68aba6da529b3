package io.signalstream.job.agents.local;

import io.signalstream.job.agents.Agent;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentOutput;
import java.util.concurrent.CompletableFuture;

/** Base of the offline agents: deterministic, no network, answered on the calling thread. */
abstract class LocalAgent implements Agent {

    static final String PROVIDER = "local";
    static final String MODEL = "local-rules-v1";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public CompletableFuture<AgentOutput> analyze(ConversationUpdate update) {
        return CompletableFuture.completedFuture(compute(update));
    }

    abstract AgentOutput compute(ConversationUpdate update);
}
