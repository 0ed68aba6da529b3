package io.signalstream.job.agents.gemini;

import io.signalstream.job.agents.local.LocalAgents;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a model's answer must pass before it is stored and shown, whatever the conversation talked
 * it into:
 *
 * <ul>
 *   <li>every text it wrote (reasoning, actions, topics, escalation reason, summary, key points,
 *       reply) goes through the local PII detector, so personal data it restored, invented or was
 *       told becomes a placeholder;
 *   <li>the suggested reply carries no links (an agent might send it as it is);
 *   <li>the safety flags are the OR of the model's and the local rules': {@code
 *       requires_escalation} is true when either says so (with the local reason when only the rules
 *       do), and urgency is at least the rules' — a customer's text cannot talk the model out of a
 *       legal threat, a chargeback or a safety issue the rules see.
 * </ul>
 */
final class ModelOutputGuard {

    /** Links with a scheme or starting {@code www.}, up to the next space. */
    private static final Pattern LINK =
            Pattern.compile("(?i)\\b(?:[a-z][a-z0-9+.-]*://|www\\.)\\S+");

    private static final Pattern SPACES = Pattern.compile("\\s{2,}");

    private final PiiDetector pii;
    private final LocalAgents local;

    ModelOutputGuard(PiiDetector pii, LocalAgents local) {
        this.pii = pii;
        this.local = local;
    }

    SentimentResult sentiment(SentimentResult s) {
        return new SentimentResult(
                s.sentiment(), s.score(), s.confidence(), s.emotion(), redact(s.reasoning()));
    }

    InsightsResult insights(InsightsResult model, AgentRequest request) {
        InsightsResult rules = local.insights(request.context(), request.seq());
        boolean escalate = model.requiresEscalation() || rules.requiresEscalation();
        String reason =
                model.requiresEscalation() ? model.escalationReason() : rules.escalationReason();
        return new InsightsResult(
                model.intent(),
                model.urgency().compareTo(rules.urgency()) >= 0 ? model.urgency() : rules.urgency(),
                redact(model.suggestedActions()),
                escalate,
                escalate ? redact(reason) : "",
                redact(model.topics()),
                model.language(),
                model.languageConfidence());
    }

    SummaryResult summary(SummaryResult s) {
        return new SummaryResult(
                redact(s.summary()), redact(s.keyPoints()), s.resolutionStatus(), s.satisfaction());
    }

    ReplyResult reply(ReplyResult r) {
        return new ReplyResult(withoutLinks(redact(r.suggestedReply())));
    }

    static String withoutLinks(String text) {
        if (text == null) {
            return null;
        }
        return SPACES.matcher(LINK.matcher(text).replaceAll("")).replaceAll(" ").strip();
    }

    private String redact(String text) {
        return text == null || text.isEmpty() ? text : pii.detect(text, "model").redactedMessage();
    }

    private List<String> redact(List<String> texts) {
        return texts == null ? null : texts.stream().map(this::redact).toList();
    }
}
