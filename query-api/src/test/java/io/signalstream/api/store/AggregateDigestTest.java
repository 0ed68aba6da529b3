package io.signalstream.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateDigestTest {

    @Test
    void readsWhatBindingTheWholeAggregateReads() throws Exception {
        byte[] json =
                Fixtures.json(
                        Fixtures.aggregate(
                                "acme",
                                "c1",
                                7,
                                Intent.CANCELLATION,
                                SentimentLabel.NEGATIVE,
                                Urgency.CRITICAL,
                                true,
                                "Wants to cancel"));
        AggregateDigest bound = Json.newMapper().readerFor(AggregateDigest.class).readValue(json);

        AggregateDigest streamed = AggregateDigest.parse(json);

        assertThat(streamed).isEqualTo(bound);
        assertThat(streamed.insights().requiresEscalation()).isTrue();
        assertThat(streamed.messageCount()).isEqualTo(7);
    }

    @Test
    void skipsWhatItDoesNotIndexAndReadsTheWaitingTime() throws Exception {
        AggregateDigest d =
                AggregateDigest.parse(
                        bytes(
                                """
                                {"tenant_id":"acme","extra":{"deep":[1,{"x":[]}]},"conversation_id":"c1",
                                 "version":3000,"message_count":3,"last_updated":"2026-01-15T10:00:03Z",
                                 "sentiment":null,"insights":{"intent":["not","text"],"urgency":"low",
                                 "topics":["a",null,"b"],"requires_escalation":false},
                                 "summary":{"summary":"s","key_points":"not a list"},
                                 "operations":{"predicted_csat":{"score":4},"waiting_since":1768471200}}
                                """));

        assertThat(d.tenantId()).isEqualTo("acme");
        assertThat(d.conversationId()).isEqualTo("c1");
        assertThat(d.version()).isEqualTo(3000);
        assertThat(d.lastUpdated()).isEqualTo(Instant.parse("2026-01-15T10:00:03Z"));
        assertThat(d.sentiment()).isNull();
        assertThat(d.insights().intent()).isNull();
        assertThat(d.insights().urgency()).isEqualTo("low");
        assertThat(d.insights().topics()).isEqualTo(List.of("a", "b"));
        assertThat(d.summary().keyPoints()).isNull();
        assertThat(d.operations().waitingSince()).isEqualTo(Instant.ofEpochSecond(1768471200));
    }

    @Test
    void refusesWhatIsNotAnAggregate() {
        assertThatThrownBy(() -> AggregateDigest.parse(bytes("[1,2]")))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> AggregateDigest.parse(bytes("{\"last_updated\":\"yesterday\"}")))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> AggregateDigest.parse(bytes("{\"version\":")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void readsATranscriptSlotsMessage() throws Exception {
        assertThat(
                        AggregateDigest.message(
                                Fixtures.slot("acme", "c1", 2, 20, "Where is it?").json()))
                .isEqualTo("Where is it?");
        assertThat(AggregateDigest.message(bytes("{\"seq\":1}"))).isNull();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
