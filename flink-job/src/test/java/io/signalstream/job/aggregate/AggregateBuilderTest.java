package io.signalstream.job.aggregate;

import static io.signalstream.job.Fixtures.agent;
import static io.signalstream.job.Fixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.ModelParts;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Intent;
import io.signalstream.model.SentimentLabel;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AggregateBuilderTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
    private final AggregateBuilder builder = new AggregateBuilder();
    private final Answers conversation = new Answers();

    @Test
    void theLocalProvidersAnswerIsTheAggregateVersionedByTheMessage() {
        conversation.local(customer("c1", "m1", "My parcel is lost, I want a refund!", 0));
        AgentResults second = conversation.local(agent("c1", "m2", "Sorry! Checking now.", 1));

        AggregatedIntelligence a = builder.complete(second, NOW);

        assertThat(a.version()).isEqualTo(2_000);
        assertThat(a.messageCount()).isEqualTo(2);
        assertThat(a.sentiment().sentiment()).isEqualTo(SentimentLabel.NEGATIVE);
        assertThat(a.insights().intent()).isEqualTo(Intent.REFUND_REQUEST);
        // The reply answers the customer's message, the other agents the newest one
        assertThat(a.agents().get("reply").seq()).isEqualTo(1);
        assertThat(a.agents().get("summary").seq()).isEqualTo(2);
        assertThat(a.agents()).containsOnlyKeys("sentiment", "pii", "insights", "summary", "reply");
        assertThat(a.sentimentTrend()).hasSize(1);
    }

    @Test
    void aReplayedAnswerGivesTheSameVersionAndContent() {
        Answers again = new Answers();
        AgentResults first = conversation.local(customer("c1", "m1", "Thanks, great job!", 0));
        AgentResults replayed = again.local(customer("c1", "m1", "Thanks, great job!", 0));

        AggregatedIntelligence a = builder.complete(first, NOW);
        AggregatedIntelligence b = builder.complete(replayed, NOW);
        assertThat(b).usingRecursiveComparison().ignoringFields("agents").isEqualTo(a);
    }

    @Test
    void underAModelAMessageGivesOneVersionAndEachAnswerTheNextOne() {
        // Given a message's local part, the model's answer to it, then the next message
        AggregateBuilder.Step one =
                builder.message(
                        null,
                        conversation.piiPart(customer("c1", "m1", "Call me at (415) 555-2671", 0)),
                        NOW);
        AggregateBuilder.Step answered =
                builder.answer(one.parts(), conversation.modelAnswer(1, -0.8, "first"), NOW);
        AggregateBuilder.Step two =
                builder.message(
                        answered.parts(), conversation.piiPart(agent("c1", "m2", "On it", 1)), NOW);

        // Then versions follow the input: 1000, 1001, 2000
        assertThat(one.aggregate().version()).isEqualTo(1_000);
        assertThat(one.aggregate().sentiment()).isNull();
        assertThat(one.aggregate().pii().hasPii()).isTrue();
        assertThat(answered.aggregate().version()).isEqualTo(1_001);
        assertThat(answered.aggregate().messageCount()).isEqualTo(1);
        assertThat(answered.aggregate().sentiment().score()).isEqualTo(-0.8);
        assertThat(answered.aggregate().pii().hasPii()).isTrue();
        assertThat(two.aggregate().version()).isEqualTo(2_000);
        assertThat(two.aggregate().summary().summary()).isEqualTo("first");
        assertThat(two.aggregate().agents().get("summary").seq()).isEqualTo(1);
        assertThat(two.aggregate().agents().get("pii").seq()).isEqualTo(2);
        assertThat(two.aggregate().sentimentTrend()).hasSize(1);
    }

    @Test
    void underAModelTheTrendKeepsAsManyPointsAsConfiguredTheNewest() {
        AggregateBuilder narrow = new AggregateBuilder(1, 2);
        ModelParts parts = null;
        AggregatedIntelligence last = null;
        for (int i = 0; i < 4; i++) {
            AggregateBuilder.Step message =
                    narrow.message(
                            parts,
                            conversation.piiPart(customer("c1", "m" + i, "It broke again", i)),
                            NOW);
            AggregateBuilder.Step answered =
                    narrow.answer(
                            message.parts(),
                            conversation.modelAnswer(i + 1, -0.1 * i, "s" + i),
                            NOW);
            parts = answered.parts();
            last = answered.aggregate();
        }
        assertThat(last.sentimentTrend()).extracting(p -> p.seq()).containsExactly(3L, 4L);
        assertThat(parts.trend()).hasSize(2);
    }

    @Test
    void anOlderAnswerNeverReplacesANewerOne() {
        ModelParts parts =
                builder.message(null, conversation.piiPart(customer("c1", "m1", "a", 0)), NOW)
                        .parts();
        parts =
                builder.message(parts, conversation.piiPart(customer("c1", "m2", "b", 1)), NOW)
                        .parts();
        parts = builder.answer(parts, conversation.modelAnswer(2, -0.5, "newer"), NOW).parts();

        AggregateBuilder.Step late =
                builder.answer(parts, conversation.modelAnswer(1, 0.9, "older"), NOW);

        assertThat(late.aggregate()).isNull();
        assertThat(late.parts().summary().summary()).isEqualTo("newer");
        assertThat(late.parts().version()).isEqualTo(2_001);
    }
}
