package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;

/**
 * Reports the personal data the state operator found when it redacted the message: detection runs
 * once, before the text is stored, and this agent publishes what it found.
 */
public final class LocalPiiAgent extends LocalAgent {

    @Override
    public AgentKind kind() {
        return AgentKind.PII;
    }

    @Override
    AgentOutput compute(ConversationUpdate update) {
        return update.pii();
    }
}
