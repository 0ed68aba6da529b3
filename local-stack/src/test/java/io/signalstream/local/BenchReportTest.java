package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The report names where a message's CPU went in the first fixed-rate end-to-end run. */
class BenchReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void namesEachProcesssBusiestThreadsInTheOrderTheBenchWroteThem() throws Exception {
        JsonNode runs =
                MAPPER.readTree(
                        """
                        [{"rate": 1000,
                          "cpu_ms_per_msg_by_thread": {
                            "job": {"conversation -> agents": 0.12, "kafka-producer-network-thread": 0.05},
                            "kafka": {"data-plane-kafka-request-handler-#": 0.21}}},
                         {"rate": 4000, "cpu_ms_per_msg_by_thread": {"job": {"other": 9}}}]
                        """);

        String text = BenchReport.busiestThreads(runs);

        assertThat(text)
                .contains("at 1000 msg/s")
                .contains(
                        "* job: `conversation -> agents` 0.12, `kafka-producer-network-thread`"
                                + " 0.05\n")
                .contains("* kafka: `data-plane-kafka-request-handler-#` 0.21")
                .doesNotContain("other");
        assertThat(text.indexOf("* job")).isLessThan(text.indexOf("* kafka"));
    }

    @Test
    void saysNothingWhenTheRunsCarryNoThreads() throws Exception {
        assertThat(BenchReport.busiestThreads(MAPPER.readTree("[{\"rate\": 1000}]"))).isEmpty();
        assertThat(BenchReport.busiestThreads(MAPPER.readTree("[]"))).isEmpty();
    }

    @Test
    void givesEachIngestRoundsP99BesideTheirMedian() throws Exception {
        JsonNode run =
                MAPPER.readTree(
                        """
                        {"rate": 1000, "p99_ms": 24.0, "p99_ms_median_of_rounds": 21.5,
                         "rounds": [{"p99_ms": 31.25}, {"p99_ms": 21.5}, {"p99_ms": 18.0}]}
                        """);

        assertThat(BenchReport.roundsOf(run))
                .isEqualTo(
                        "; 3 rounds back to back, each one's p99 31.3 / 21.5 / 18.0 ms, median 21.5");
        assertThat(BenchReport.roundsOf(MAPPER.readTree("{\"rate\": 1000, \"p99_ms\": 24.0}")))
                .isEmpty();
    }
}
