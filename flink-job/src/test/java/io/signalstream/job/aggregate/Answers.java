package io.signalstream.job.aggregate;

import io.signalstream.job.agents.local.LocalAgents;
import io.signalstream.job.agents.local.LocalContextFold;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.Emotion;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Conversations and the agents' answers to them, for the aggregator's tests. */
final class Answers {

    static final int WINDOW = 20;

    /**
     * The conversations' settings the aggregator runs with: the aggregate's lists at their most.
     */
    static final ConversationSettings SETTINGS =
            new ConversationSettings(
                    WINDOW,
                    2_000,
                    Duration.ofDays(7),
                    64,
                    "US",
                    16,
                    AggregatedIntelligence.MAX_PII_ENTITIES,
                    AggregatedIntelligence.MAX_TREND_POINTS);

    private final LocalContextFold fold;
    private final LocalAgents agents = new LocalAgents(WINDOW);
    private final List<AgentRequest> requests = new ArrayList<>();
    private ConversationContext context;

    /** A conversation whose aggregate lists are at their most. */
    Answers() {
        this(AggregatedIntelligence.MAX_PII_ENTITIES);
    }

    /** A conversation whose aggregate lists the newest {@code piiEntities} entities. */
    Answers(int piiEntities) {
        this.fold = new LocalContextFold(piiEntities, AggregatedIntelligence.MAX_TREND_POINTS);
    }

    /** The local provider's answer to the conversation's next message. */
    AgentResults local(InboundMessage message) {
        return agents.answer(next(message));
    }

    /** The request for the conversation's next message. */
    AgentRequest next(InboundMessage message) {
        long seq = requests.size() + 1;
        context = fold.next(context, message, seq);
        AgentRequest request =
                new AgentRequest(
                        AgentRequest.Kind.MESSAGE,
                        message.tenantId(),
                        message.conversationId(),
                        seq,
                        message,
                        context,
                        List.of(),
                        0);
        requests.add(request);
        return request;
    }

    /** A model provider's local part of the message: PII only. */
    AgentResults piiPart(InboundMessage message) {
        AgentRequest request = next(message);
        AgentRun run =
                new AgentRun(AgentKind.PII, request.seq(), "local", LocalAgents.MODEL, 0, 1, null);
        return new AgentResults(
                request,
                null,
                agents.pii(request.context(), message),
                null,
                null,
                null,
                List.of(run),
                null,
                null);
    }

    /** A model's answer covering message {@code seq}: a summary saying the problem is solved. */
    AgentResults resolvedBy(long seq) {
        AgentResults a = modelAnswer(seq, 0.2, "Solved");
        return new AgentResults(
                a.request(),
                a.sentiment(),
                null,
                null,
                new SummaryResult("Solved", List.of(), ResolutionStatus.RESOLVED),
                null,
                a.runs(),
                null,
                null);
    }

    /** A model's answer covering message {@code seq}: sentiment and summary. */
    AgentResults modelAnswer(long seq, double score, String summary) {
        AgentRequest asked = requests.get((int) seq - 1);
        AgentRequest request =
                new AgentRequest(
                        AgentRequest.Kind.ANALYSIS,
                        asked.tenantId(),
                        asked.conversationId(),
                        seq,
                        asked.message(),
                        asked.context(),
                        List.of(),
                        0);
        return new AgentResults(
                request,
                new SentimentResult(SentimentLabel.NEGATIVE, score, 0.9, Emotion.ANGRY, "model"),
                null,
                null,
                new SummaryResult(summary, List.of(), ResolutionStatus.OPEN),
                null,
                List.of(
                        new AgentRun(AgentKind.SENTIMENT, seq, "gemini", "m", 900, 1, null),
                        new AgentRun(AgentKind.SUMMARY, seq, "gemini", "m", 900, 1, null)),
                null,
                null);
    }

    /** The erasure of the conversation, as the conversation operator asks for it. */
    AgentRequest erase(String erasureId, long atMs) {
        AgentRequest last = requests.get(requests.size() - 1);
        return new AgentRequest(
                AgentRequest.Kind.ERASE,
                last.tenantId(),
                last.conversationId(),
                last.seq(),
                InboundMessage.erase(
                        new ConversationErasure(
                                erasureId,
                                last.tenantId(),
                                last.conversationId(),
                                Instant.ofEpochMilli(atMs))),
                null,
                List.of(),
                atMs);
    }

    AgentRequest expire() {
        AgentRequest last = requests.get(requests.size() - 1);
        return new AgentRequest(
                AgentRequest.Kind.EXPIRE,
                last.tenantId(),
                last.conversationId(),
                last.seq(),
                null,
                null,
                List.of(),
                0);
    }
}
