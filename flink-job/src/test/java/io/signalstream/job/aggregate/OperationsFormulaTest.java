package io.signalstream.job.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.records.ResponseTimes;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.Operations;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Response times in event time, and the documented satisfaction and effort formula. */
class OperationsFormulaTest {

    private static final long T = 1_800_000_000_000L;
    private static final long MIN = 60_000;

    private static ResponseTimes fold(Object... senderAndMinute) {
        ResponseTimes t = ResponseTimes.NONE;
        for (int i = 0; i < senderAndMinute.length; i += 2) {
            t =
                    t.next(
                            (Sender) senderAndMinute[i],
                            T + (long) ((int) senderAndMinute[i + 1]) * MIN);
        }
        return t;
    }

    private static AggregatedIntelligence aggregate(
            double score, List<SentimentPoint> trend, boolean escalation, ResolutionStatus status) {
        return aggregate(score, trend, escalation, new SummaryResult("s", List.of(), status));
    }

    private static AggregatedIntelligence aggregate(
            double score, List<SentimentPoint> trend, boolean escalation, SummaryResult summary) {
        return new AggregatedIntelligence(
                "acme",
                "c1",
                5_000,
                5,
                new SentimentResult(SentimentLabel.NEUTRAL, score, 0.9, Emotion.NEUTRAL, ""),
                null,
                new InsightsResult(
                        Intent.BILLING, Urgency.LOW, List.of(), escalation, null, List.of()),
                summary,
                null,
                Map.of(),
                Instant.ofEpochMilli(T),
                trend,
                1);
    }

    @Test
    void aWaitBeginsWithTheCustomerAndEndsWithTheNextAgentMessage() {
        ResponseTimes t =
                fold(
                        Sender.CUSTOMER, 0,
                        Sender.CUSTOMER, 1,
                        Sender.SYSTEM, 2,
                        Sender.AGENT, 4,
                        Sender.AGENT, 5,
                        Sender.CUSTOMER, 10,
                        Sender.AGENT, 16);
        assertThat(t.firstResponseMs()).isEqualTo(4 * MIN);
        assertThat(t.responses()).isEqualTo(2);
        assertThat(t.averageResponseMs()).isEqualTo(5 * MIN);
        assertThat(t.latestResponseMs()).isEqualTo(6 * MIN);
        assertThat(t.customerTurns()).isEqualTo(2);
        assertThat(t.waitingSinceMs()).isZero();
        assertThat(t.startedAtMs()).isEqualTo(T);
        assertThat(t.lastMessageAtMs()).isEqualTo(T + 16 * MIN);

        ResponseTimes waiting = t.next(Sender.CUSTOMER, T + 20 * MIN);
        assertThat(waiting.waitingSinceMs()).isEqualTo(T + 20 * MIN);
        assertThat(waiting.latestResponseMs()).isEqualTo(-1);
        // An agent message dated before the wait answers it at once, never negatively.
        assertThat(waiting.next(Sender.AGENT, T + 19 * MIN).latestResponseMs()).isZero();
    }

    @Test
    void theModelsSatisfactionEstimateTakesThePlaceOfTheFormula() {
        ResponseTimes t = fold(Sender.CUSTOMER, 0, Sender.AGENT, 1);
        AggregatedIntelligence a = aggregate(0.8, List.of(), false, ResolutionStatus.RESOLVED);
        Operations formula = OperationsFormula.of(t, a, false);
        assertThat(formula.predictedCsat().method()).isEqualTo("formula");

        AggregatedIntelligence estimated =
                aggregate(
                        0.8,
                        List.of(),
                        false,
                        new SummaryResult(
                                "s",
                                List.of(),
                                ResolutionStatus.RESOLVED,
                                new SummaryResult.Satisfaction(2.345, 0.777, "high")));
        Operations model = OperationsFormula.of(t, estimated, false);
        assertThat(model.predictedCsat())
                .isEqualTo(new Operations.PredictedCsat(2.3, 0.78, "model"));
        assertThat(model.effort()).isEqualTo("high");
        assertThat(model.firstResponseMs()).isEqualTo(formula.firstResponseMs());
    }

    @Test
    void aHappyResolvedConversationScoresHighAndASlowEscalatedOneLow() {
        ResponseTimes quick = fold(Sender.CUSTOMER, 0, Sender.AGENT, 1, Sender.CUSTOMER, 2);
        Operations happy =
                OperationsFormula.of(
                        quick,
                        aggregate(
                                0.8,
                                List.of(new SentimentPoint(1, 0.2), new SentimentPoint(3, 0.8)),
                                false,
                                ResolutionStatus.RESOLVED),
                        false);
        // 3 + 1.5 × 0.8 + 0.5 × 0.6 + 0.5 = 5.0
        assertThat(happy.predictedCsat().score()).isEqualTo(5.0);
        assertThat(happy.predictedCsat().confidence()).isEqualTo(0.6);
        assertThat(happy.effort()).isEqualTo("low");
        assertThat(happy.firstResponseMs()).isEqualTo(MIN);
        assertThat(happy.waitingSince()).isEqualTo(Instant.ofEpochMilli(T + 2 * MIN));

        ResponseTimes slow =
                fold(
                        Sender.CUSTOMER, 0,
                        Sender.AGENT, 40,
                        Sender.CUSTOMER, 41,
                        Sender.AGENT, 60,
                        Sender.CUSTOMER, 61,
                        Sender.AGENT, 75,
                        Sender.CUSTOMER, 76);
        Operations unhappy =
                OperationsFormula.of(
                        slow,
                        aggregate(
                                -0.6,
                                List.of(new SentimentPoint(1, 0), new SentimentPoint(7, -0.6)),
                                true,
                                ResolutionStatus.OPEN),
                        false);
        // 3 − 0.9 − 0.3 − 0.5 (escalation) − 0.5 (first > 30 min) − 0.25 (avg > 10 min) − 0.4
        assertThat(unhappy.predictedCsat().score()).isEqualTo(1.0);
        assertThat(unhappy.effort()).isEqualTo("high");
        assertThat(unhappy.avgResponseMs()).isEqualTo((40 + 19 + 14) * MIN / 3);
        assertThat(unhappy.customerTurns()).isEqualTo(4);
    }
}
