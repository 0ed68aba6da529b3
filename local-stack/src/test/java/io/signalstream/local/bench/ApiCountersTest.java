package io.signalstream.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The bench reads the API's produce timer and collector pauses from its Prometheus text. */
class ApiCountersTest {

    /** As the API exposes them (captured from {@code make run}'s {@code /metrics}). */
    private static final String METRICS =
            """
            # HELP jvm_gc_pause_seconds Time spent in GC pause
            # TYPE jvm_gc_pause_seconds summary
            jvm_gc_pause_seconds_count{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 1
            jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 0.161
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 29
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.462
            jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.063
            signalstream_http_requests_seconds_bucket{method="POST",route="/v1/messages",status="202",le="0.02"} 290
            signalstream_http_requests_seconds_bucket{method="POST",route="/v1/messages",status="202",le="0.025"} 295
            signalstream_http_requests_seconds_count{method="POST",route="/v1/messages",status="202"} 300
            signalstream_http_requests_seconds_bucket{le="0.02",method="POST",route="/v1/messages",status="400"} 7
            signalstream_http_requests_seconds_count{le="0.02",method="POST",route="/v1/messages",status="400"} 9
            signalstream_http_requests_seconds_bucket{method="GET",route="/v1/conversations",status="200",le="0.02"} 1
            signalstream_http_requests_seconds_count{method="GET",route="/v1/conversations",status="200"} 4
            signalstream_kafka_produce_failures_total 0.0
            signalstream_kafka_produce_seconds_bucket{le="0.01"} 293
            signalstream_kafka_produce_seconds_bucket{le="0.02"} 301
            signalstream_kafka_produce_seconds_bucket{le="0.025"} 301
            signalstream_kafka_produce_seconds_bucket{le="+Inf"} 303
            signalstream_kafka_produce_seconds_count 303
            signalstream_kafka_produce_seconds_sum 0.099597044
            signalstream_kafka_produce_seconds_max 0.078642611
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 2.097152E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.2E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 6.4E7
            signalstream_websocket_sessions 1000.0
            signalstream_store_pending NaN
            """;

    @Test
    void readsAcknowledgementsOverTheGoalAndPauses() {
        ApiCounters c = ApiCounters.parse(METRICS);

        assertThat(c.posts()).isEqualTo(300); // accepted POSTs only
        assertThat(c.postsOverTarget()).isEqualTo(10);
        assertThat(c.acks()).isEqualTo(303);
        assertThat(c.acksOverTarget()).isEqualTo(2); // 303 acknowledged, 301 within 20 ms
        assertThat(c.pauses()).isEqualTo(30);
        assertThat(c.pauseSeconds()).isCloseTo(0.623, Offset.offset(1e-9));
    }

    @Test
    void sumsAFamilysSeriesWithTheGivenLabels() {
        assertThat(ApiCounters.sum(METRICS, "jvm_memory_used_bytes", Map.of("area", "heap")))
                .isEqualTo(20_971_520 + 12_000_000);
        assertThat(ApiCounters.sum(METRICS, "jvm_memory_used_bytes", Map.of()))
                .isEqualTo(20_971_520 + 12_000_000 + 64_000_000);
        assertThat(ApiCounters.sum(METRICS, "signalstream_websocket_sessions", Map.of()))
                .isEqualTo(1000);
        assertThat(ApiCounters.sum(METRICS, "signalstream_store_pending", Map.of())).isZero();
        assertThat(ApiCounters.sum(METRICS, "signalstream_store_conversations", Map.of())).isZero();
    }

    @Test
    void aRunIsTheDifferenceOfTwoReadings() {
        ApiCounters before = new ApiCounters(100, 4, 100, 1, 10, 0.2);
        ApiCounters after = ApiCounters.parse(METRICS);

        ApiCounters run = after.minus(before);

        assertThat(run.posts()).isEqualTo(200);
        assertThat(run.postsOverTarget()).isEqualTo(6);
        assertThat(run.acks()).isEqualTo(203);
        assertThat(run.acksOverTarget()).isEqualTo(1);
        assertThat(run.pauses()).isEqualTo(20);
    }
}
