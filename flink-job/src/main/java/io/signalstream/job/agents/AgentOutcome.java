package io.signalstream.job.agents;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;

/**
 * What one agent call came to. The async operator completes with an outcome rather than an
 * exception, so a failing agent never fails the job. Three shapes:
 *
 * <ul>
 *   <li>a result: {@code event} set, no {@code error};
 *   <li>a failure: {@code error} and the {@code input} it failed on, no {@code event}; the retry
 *       strategy retries it, then it is dead-lettered;
 *   <li>a fallback: a result from the local provider standing in for a model that failed, with the
 *       {@code error}; when {@code input} is set the failure is also dead-lettered (once per call,
 *       however many agents the call answered).
 * </ul>
 */
public record AgentOutcome(
        AgentKind agent, AgentEvent event, String error, ConversationUpdate input) {

    public static AgentOutcome success(AgentEvent event) {
        return new AgentOutcome(event.agent(), event, null, null);
    }

    public static AgentOutcome failure(AgentKind agent, ConversationUpdate input, String error) {
        return new AgentOutcome(agent, null, error, input);
    }

    /**
     * A stand-in result; {@code input} non-null also dead-letters {@code error} with the update.
     */
    public static AgentOutcome fallback(AgentEvent event, String error, ConversationUpdate input) {
        return new AgentOutcome(event.agent(), event, error, input);
    }

    /** No result at all: the retry strategy may call again. */
    public boolean failed() {
        return event == null;
    }

    /** Whether this outcome must leave a record on the dead-letter topic. */
    public boolean deadLetter() {
        return error != null && input != null;
    }
}
