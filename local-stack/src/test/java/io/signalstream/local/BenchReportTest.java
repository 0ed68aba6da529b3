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
}
