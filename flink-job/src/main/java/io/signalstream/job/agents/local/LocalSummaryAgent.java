package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SummaryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An extractive summary: who wants what, from the customer's own words, and where it stands. */
public final class LocalSummaryAgent extends LocalAgent {

    @Override
    public AgentKind kind() {
        return AgentKind.SUMMARY;
    }

    @Override
    AgentOutput compute(ConversationUpdate update) {
        List<RecentMessage> recent = update.state().recentMessages();
        List<RecentMessage> customer = Text.fromCustomer(recent);
        String summary;
        if (customer.isEmpty()) {
            summary = "No customer message yet (" + update.state().messageCount() + " messages).";
        } else {
            String first = Text.clip(customer.get(0).message(), 160);
            summary =
                    "Customer ("
                            + IntentRules.classify(customer.get(0).message())
                                    .wireName()
                                    .replace('_', ' ')
                            + "): \""
                            + first
                            + "\"";
            if (customer.size() > 1) {
                summary +=
                        " Latest: \""
                                + Text.clip(customer.get(customer.size() - 1).message(), 120)
                                + "\"";
            }
            long count = update.state().messageCount();
            summary += " " + count + (count == 1 ? " message" : " messages") + " so far.";
        }
        List<String> keyPoints = new ArrayList<>();
        for (RecentMessage m : recent.subList(Math.max(0, recent.size() - 3), recent.size())) {
            keyPoints.add(m.sender().wireName() + ": " + Text.clip(m.message(), 100));
        }
        return new SummaryResult(summary, keyPoints, status(recent));
    }

    private static ResolutionStatus status(List<RecentMessage> recent) {
        RecentMessage last = recent.get(recent.size() - 1);
        String lower = last.message().toLowerCase(Locale.ROOT);
        if (Text.containsAny(
                        lower,
                        "resolved",
                        "that fixed it",
                        "that worked",
                        "all sorted",
                        "problem solved")
                && !Text.containsAny(lower, "not resolved", "isn't resolved", "still not")) {
            return ResolutionStatus.RESOLVED;
        }
        return last.sender() == Sender.AGENT ? ResolutionStatus.PENDING : ResolutionStatus.OPEN;
    }
}
