package io.signalstream.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Json;
import io.signalstream.model.SentimentPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrendJsonTest {

    private final ObjectMapper mapper = Json.newMapper();

    private static List<SentimentPoint> next(List<SentimentPoint> trend, SentimentPoint point) {
        List<SentimentPoint> all = new ArrayList<>(trend);
        all.add(point);
        int max = AggregatedIntelligence.MAX_TREND_POINTS;
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }

    /** Conversations' trends grow and slide in turns; each is written as the mapper writes it. */
    @Test
    void growingAndSlidingTrendsAreWrittenAsTheMapperWritesThem() throws Exception {
        TrendJson json = new TrendJson();
        Random random = new Random(7);
        List<List<SentimentPoint>> conversations = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            conversations.add(List.of());
        }
        for (int seq = 1; seq <= 3_000; seq++) {
            int c = random.nextInt(conversations.size());
            double score = (random.nextInt(2_001) - 1_000) / 1000.0;
            List<SentimentPoint> trend = next(conversations.get(c), new SentimentPoint(seq, score));
            conversations.set(c, trend);
            assertThat(new String(json.json(trend))).isEqualTo(mapper.writeValueAsString(trend));
        }
    }

    @Test
    void aTrendThatIsNotTheOneBeforePlusAPointIsWrittenWhole() throws Exception {
        TrendJson json = new TrendJson();
        SentimentPoint a = new SentimentPoint(1, 0.5);
        SentimentPoint b = new SentimentPoint(2, -0.25);
        SentimentPoint c = new SentimentPoint(3, 1);
        json.json(List.of(a, b));
        // ends with b's successor but the points before differ from the kept trend
        List<SentimentPoint> other = List.of(new SentimentPoint(1, 0.75), b, c);
        assertThat(new String(json.json(other))).isEqualTo(mapper.writeValueAsString(other));
        List<SentimentPoint> reordered = List.of(b, a, c);
        json.json(List.of(b, a));
        assertThat(new String(json.json(List.of(a, b, c))))
                .isEqualTo(mapper.writeValueAsString(List.of(a, b, c)));
        assertThat(new String(json.json(reordered)))
                .isEqualTo(mapper.writeValueAsString(reordered));
        assertThat(new String(json.json(List.of()))).isEqualTo("[]");
    }

    @Test
    void aScoreOfMoreThanThreeDecimalsIsLeftToTheGenerator() {
        TrendJson json = new TrendJson();
        assertThat(json.json(List.of(new SentimentPoint(1, 0.12345)))).isNull();
        SentimentPoint a = new SentimentPoint(1, 0.5);
        List<SentimentPoint> kept = List.of(a);
        assertThat(json.json(kept)).isNotNull();
        assertThat(json.json(List.of(a, new SentimentPoint(2, 1e-9)))).isNull();
    }
}
