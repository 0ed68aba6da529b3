package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.signalstream.api.feed.TopicFeed;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiSettingsTest {

    private static final Map<String, String> KEYS = Map.of("SIGNALSTREAM_API_KEYS", "k=acme");

    private static ApiSettings from(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(KEYS);
        all.putAll(env);
        return ApiSettings.from(Config.empty(), all);
    }

    @Test
    void theIngestLingerIsOneMillisecondUnlessSet() {
        assertThat(from(Map.of()).ingestLinger()).isEqualTo(Duration.ofMillis(1));
        assertThat(from(Map.of("KAFKA_INGEST_LINGER_MS", "5")).ingestLinger())
                .isEqualTo(Duration.ofMillis(5));
        assertThat(from(Map.of()).toString()).contains("ingestLinger=PT0.001S");
    }

    @Test
    void anIngestLingerAsLongAsThePostsDeadlineIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> from(Map.of("KAFKA_INGEST_LINGER_MS", "4000")))
                .hasMessageContaining("KAFKA_INGEST_LINGER_MS")
                .hasMessageContaining("4000 ms");
        assertThatThrownBy(() -> from(Map.of("KAFKA_INGEST_LINGER_MS", "-1")))
                .hasMessageContaining("KAFKA_INGEST_LINGER_MS");
    }

    @Test
    void theStoreShowsWritesInListsWithinASecondUnlessSet() {
        assertThat(from(Map.of()).store().refreshInterval()).isEqualTo(Duration.ofSeconds(1));
        ApiSettings set = from(Map.of("SIGNALSTREAM_STORE_REFRESH", "PT2.5S"));
        assertThat(set.store().refreshInterval()).isEqualTo(Duration.ofMillis(2_500));
        assertThat(set.toString()).contains("refresh PT2.5S");
    }

    @Test
    void aStoreRefreshOutOfRangeOrUnreadableIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"PT0S", "PT0.001S", "PT2M", "2s", "-PT1S"}) {
            assertThatThrownBy(() -> from(Map.of("SIGNALSTREAM_STORE_REFRESH", bad)))
                    .as(bad)
                    .hasMessageContaining("SIGNALSTREAM_STORE_REFRESH")
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void theStoreFeedFetchesWaitForTheSetBytesOrTime() {
        assertThat(from(Map.of()).feedFetch())
                .isEqualTo(TopicFeed.Fetch.DEFAULTS)
                .isEqualTo(new TopicFeed.Fetch(16_384, Duration.ofMillis(10)));
        ApiSettings set =
                from(
                        Map.of(
                                "SIGNALSTREAM_FEED_FETCH_MIN_BYTES", "1",
                                "SIGNALSTREAM_FEED_FETCH_MAX_WAIT_MS", "100"));
        assertThat(set.feedFetch()).isEqualTo(new TopicFeed.Fetch(1, Duration.ofMillis(100)));
    }

    @Test
    void aStoreFeedFetchOutOfRangeIsRefusedNamingTheSetting() {
        Map<String, String> bad =
                Map.of(
                        "SIGNALSTREAM_FEED_FETCH_MIN_BYTES", "0",
                        "SIGNALSTREAM_FEED_FETCH_MAX_WAIT_MS", "1001");
        bad.forEach(
                (name, value) ->
                        assertThatThrownBy(() -> from(Map.of(name, value)))
                                .as(name)
                                .hasMessageContaining(name)
                                .hasMessageContaining("not " + value));
        assertThatThrownBy(() -> from(Map.of("SIGNALSTREAM_FEED_FETCH_MIN_BYTES", "2097152")))
                .hasMessageContaining("SIGNALSTREAM_FEED_FETCH_MIN_BYTES must be 1 to 1048576");
        assertThatThrownBy(() -> from(Map.of("SIGNALSTREAM_FEED_FETCH_MAX_WAIT_MS", "10ms")))
                .hasMessageContaining("SIGNALSTREAM_FEED_FETCH_MAX_WAIT_MS must be a whole number");
        assertThatThrownBy(() -> new TopicFeed.Fetch(1, Duration.ZERO))
                .hasMessageContaining("1 to 1000 ms");
    }

    @Test
    void otherDurationSettingsAreReadAlikeAndRefusedNamingTheSetting() {
        assertThat(from(Map.of("SIGNALSTREAM_WS_SEND_TIMEOUT", "PT3S")).streams().sendTimeout())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(
                        from(Map.of("SIGNALSTREAM_PIPELINE_STALL_AFTER", "PT5M"))
                                .pipeline()
                                .stallAfter())
                .isEqualTo(Duration.ofMinutes(5));
        for (String name :
                new String[] {
                    "SIGNALSTREAM_WS_SEND_TIMEOUT",
                    "SIGNALSTREAM_PIPELINE_STALL_AFTER",
                    "SIGNALSTREAM_WEBHOOK_TIMEOUT"
                }) {
            assertThatThrownBy(() -> from(Map.of(name, "10 seconds")))
                    .as(name)
                    .hasMessageContaining(name)
                    .hasMessageContaining("'10 seconds'");
        }
        assertThatThrownBy(() -> from(Map.of("SIGNALSTREAM_WEBHOOK_TIMEOUT", "PT0S")))
                .hasMessageContaining("SIGNALSTREAM_WEBHOOK_TIMEOUT must be positive");
    }
}
