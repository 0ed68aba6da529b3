package io.signalstream.job.agents;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;

/**
 * What one agent call came to: a result, or the reason it failed together with the update it failed
 * on (for the dead-letter topic). The async operator completes with an outcome rather than an
 * exception, so a failing agent never fails the job.
 */
public record AgentOutcome(
        AgentKind agent, AgentEvent event, String error, ConversationUpdate input) {

    public static AgentOutcome success(AgentEvent event) {
        return new AgentOutcome(event.agent(), event, null, null);
    }

    public static AgentOutcome failure(AgentKind agent, ConversationUpdate input, String error) {
        return new AgentOutcome(agent, null, error, input);
    }

    public boolean failed() {
        return error != null;
    }
}
