package io.signalstream.job.agents;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.AgentResult;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.time.Instant;

/**
 * An {@link AgentResult} as it travels inside the job: one typed field per agent instead of an
 * interface, so Flink serializes it as a POJO rather than falling back to Kryo. Exactly one of the
 * result fields is set, the one {@code agent} names.
 */
public record AgentEvent(
        String tenantId,
        String conversationId,
        AgentKind agent,
        long seq,
        String messageId,
        String provider,
        String model,
        long latencyMs,
        Instant producedAt,
        SentimentResult sentiment,
        PiiResult pii,
        InsightsResult insights,
        SummaryResult summary,
        ReplyResult reply,
        LlmUsage usage) {

    public static AgentEvent of(AgentResult r) {
        AgentOutput out = r.result();
        return new AgentEvent(
                r.tenantId(),
                r.conversationId(),
                r.agent(),
                r.seq(),
                r.messageId(),
                r.provider(),
                r.model(),
                r.latencyMs(),
                r.producedAt(),
                out instanceof SentimentResult s ? s : null,
                out instanceof PiiResult p ? p : null,
                out instanceof InsightsResult i ? i : null,
                out instanceof SummaryResult s ? s : null,
                out instanceof ReplyResult rr ? rr : null,
                r.usage());
    }

    /** The result of {@code agent} for {@code update}, produced now. */
    public static AgentEvent of(
            ConversationUpdate update,
            AgentKind agent,
            String provider,
            String model,
            long latencyMs,
            AgentOutput output,
            LlmUsage usage) {
        return of(
                new AgentResult(
                        update.state().tenantId(),
                        update.state().conversationId(),
                        agent,
                        update.seq(),
                        update.message().messageId(),
                        provider,
                        model,
                        latencyMs,
                        Instant.now(),
                        output,
                        usage));
    }

    public AgentOutput output() {
        return switch (agent) {
            case SENTIMENT -> sentiment;
            case PII -> pii;
            case INSIGHTS -> insights;
            case SUMMARY -> summary;
            case REPLY -> reply;
        };
    }

    /** The wire envelope for {@code support.ai.<agent>}. */
    public AgentResult toResult() {
        return new AgentResult(
                tenantId,
                conversationId,
                agent,
                seq,
                messageId,
                provider,
                model,
                latencyMs,
                producedAt,
                output(),
                usage);
    }

    public String key() {
        return ConversationKey.of(tenantId, conversationId);
    }
}
