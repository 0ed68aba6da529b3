package io.signalstream.job.agents.gemini;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import java.util.List;

/**
 * One model call to make for a conversation: a full analysis (sentiment, insights, summary and a
 * suggested reply, in one answer) after a customer message, or the summary alone for messages no
 * analysis has covered.
 */
public record LlmTask(ConversationUpdate update, boolean analysis) {

    public static final List<AgentKind> ANALYSIS_AGENTS =
            List.of(AgentKind.SENTIMENT, AgentKind.INSIGHTS, AgentKind.SUMMARY, AgentKind.REPLY);
    public static final List<AgentKind> SUMMARY_AGENTS = List.of(AgentKind.SUMMARY);

    public List<AgentKind> agents() {
        return analysis ? ANALYSIS_AGENTS : SUMMARY_AGENTS;
    }

    public String key() {
        return update.key();
    }

    public long seq() {
        return update.seq();
    }

    /** A call for {@code newer} answers everything this one would: same or later state, as wide. */
    public LlmTask mergedInto(LlmTask newer) {
        return new LlmTask(newer.update, analysis || newer.analysis);
    }
}
