package io.signalstream.job.aggregate;

import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.ResponseTimes;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Operations;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SummaryResult;
import java.time.Instant;
import java.util.List;

/**
 * A conversation's operational facts and the offline prediction of its satisfaction, from its
 * response times and its aggregate. Deterministic: the same conversation always scores the same.
 *
 * <p>Predicted CSAT (1 to 5, one decimal) starts at 3 and adds:
 *
 * <ul>
 *   <li>{@code 1.5 × s}, {@code s} the conversation's sentiment score (−1 to 1);
 *   <li>{@code 0.5 × (last − first)} of the sentiment trend, clamped to ±1 (getting better or
 *       worse);
 *   <li>{@code +0.5} when resolved, {@code −0.5} when it needs an escalation;
 *   <li>{@code −0.25} when the first response took over 5 minutes, {@code −0.5} over 30;
 *   <li>{@code −0.25} when responses took over 10 minutes on average;
 *   <li>{@code −0.2} per customer turn beyond two (repeated contacts), at most {@code −0.8}.
 * </ul>
 *
 * Its confidence is {@code 0.3 + 0.1} per customer message, at most 0.9, plus 0.1 when resolved.
 * Effort counts a point per customer turn beyond the first, one for slow responses (over 10 minutes
 * on average), one for a first response over 30 minutes and one for an escalation: 0–1 is {@code
 * low}, 2–3 {@code medium}, more {@code high}.
 *
 * <p>Under Gemini the model estimates both with each summary it writes ({@code
 * summary.satisfaction}): from then on the conversation's predicted CSAT and effort are the model's
 * latest estimate ({@code method: model}); the formula answers before the first.
 */
public final class OperationsFormula {

    static final long SLOW_FIRST_MS = 5 * 60_000L;
    static final long VERY_SLOW_FIRST_MS = 30 * 60_000L;
    static final long SLOW_AVERAGE_MS = 10 * 60_000L;

    private OperationsFormula() {}

    /** The aggregate with its operational facts; as it is without a context. */
    public static AggregatedIntelligence apply(
            AggregatedIntelligence aggregate, ConversationContext context) {
        if (aggregate == null || context == null || context.times().lastMessageAtMs() == 0) {
            return aggregate;
        }
        return aggregate.withOperations(of(context.times(), aggregate, context.lastResolved()));
    }

    /**
     * Whether the conversation counts as resolved: its latest message says so ({@code
     * saysResolved}) or its summary's resolution status is resolved.
     */
    static boolean resolved(AggregatedIntelligence a, boolean saysResolved) {
        return saysResolved
                || (a.summary() != null
                        && a.summary().resolutionStatus() == ResolutionStatus.RESOLVED);
    }

    static Operations of(ResponseTimes t, AggregatedIntelligence a, boolean saysResolved) {
        boolean resolved = resolved(a, saysResolved);
        boolean escalation = a.insights() != null && a.insights().requiresEscalation();
        double sentiment = a.sentiment() == null ? 0 : a.sentiment().score();
        List<SentimentPoint> trend = a.sentimentTrend();
        double trajectory =
                trend.size() < 2
                        ? 0
                        : clamp(trend.get(trend.size() - 1).score() - trend.get(0).score(), -1, 1);
        long first = t.firstResponseMs();
        long average = t.averageResponseMs();
        double score = 3 + 1.5 * sentiment + 0.5 * trajectory;
        score += resolved ? 0.5 : 0;
        score -= escalation ? 0.5 : 0;
        score -= first > VERY_SLOW_FIRST_MS ? 0.5 : first > SLOW_FIRST_MS ? 0.25 : 0;
        score -= average > SLOW_AVERAGE_MS ? 0.25 : 0;
        score -= Math.min(0.8, 0.2 * Math.max(0, t.customerTurns() - 2));
        double confidence = Math.min(0.9, 0.3 + 0.1 * t.customerMessages()) + (resolved ? 0.1 : 0);
        long effort =
                Math.max(0, t.customerTurns() - 1)
                        + (average > SLOW_AVERAGE_MS ? 1 : 0)
                        + (first > VERY_SLOW_FIRST_MS ? 1 : 0)
                        + (escalation ? 1 : 0);
        SummaryResult.Satisfaction model = a.summary() == null ? null : a.summary().satisfaction();
        Operations.PredictedCsat csat =
                model == null
                        ? new Operations.PredictedCsat(
                                Math.round(clamp(score, 1, 5) * 10) / 10.0,
                                Math.round(Math.min(1, confidence) * 100) / 100.0,
                                "formula")
                        : new Operations.PredictedCsat(
                                Math.round(clamp(model.csat(), 1, 5) * 10) / 10.0,
                                Math.round(clamp(model.confidence(), 0, 1) * 100) / 100.0,
                                "model");
        return new Operations(
                Instant.ofEpochMilli(t.startedAtMs()),
                Instant.ofEpochMilli(t.lastMessageAtMs()),
                t.lastMessageAtMs() - t.startedAtMs(),
                first < 0 ? null : first,
                average < 0 ? null : average,
                t.responses(),
                t.waitingSinceMs() == 0 ? null : Instant.ofEpochMilli(t.waitingSinceMs()),
                t.customerTurns(),
                csat,
                model != null
                        ? model.effort()
                        : effort <= 1 ? "low" : effort <= 3 ? "medium" : "high");
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
