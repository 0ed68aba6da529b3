package io.signalstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.job.agents.Agents;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void theGeminiSettingsComeFromTheEnvironmentAndTheKeyIsNeverPrinted() {
        JobConfig config =
                JobConfig.from(
                        new String[] {"--ai-provider", "gemini", "--gemini-rpm-limit", "120"},
                        Map.of(
                                "GEMINI_API_KEY", "AIzaSy-very-secret",
                                "KAFKA_API_SECRET", "kafka-very-secret",
                                "KAFKA_API_KEY", "kafka-key",
                                "GEMINI_MODEL", "gemini-x-flash",
                                "GEMINI_TEMPERATURE", "0.1"));
        Agents.check(config);
        assertThat(config.gemini().apiKey()).isEqualTo("AIzaSy-very-secret");
        assertThat(config.gemini().model()).isEqualTo("gemini-x-flash");
        assertThat(config.gemini().temperature()).isEqualTo(0.1);
        assertThat(config.gemini().rpmLimit()).isEqualTo(120);
        assertThat(config.aggregateEmitInterval()).isEqualTo(Duration.ZERO);
        assertThat(config.toString())
                .contains("gemini-x-flash", "rpmLimit=120")
                .doesNotContain("very-secret");
    }

    @Test
    void aProviderThatCannotWorkStopsTheJobBeforeItStarts() {
        assertThatThrownBy(
                        () ->
                                Agents.check(
                                        JobConfig.from(
                                                new String[] {"--ai-provider", "gemini"},
                                                Map.of())))
                .hasMessageContaining("GEMINI_API_KEY");
        assertThatThrownBy(
                        () ->
                                Agents.check(
                                        JobConfig.from(
                                                new String[] {"--ai-provider", "openai"},
                                                Map.of())))
                .hasMessageContaining("unknown AI provider 'openai'")
                .hasMessageContaining("gemini")
                .hasMessageContaining("local");
    }

    @Test
    void coalescedAggregatesNeedTransactions() {
        assertThatThrownBy(
                        () ->
                                Agents.check(
                                        JobConfig.from(
                                                new String[] {"--aggregate-emit-interval-ms", "20"},
                                                Map.of())))
                .hasMessageContaining("EXACTLY_ONCE=true");
        Agents.check(
                JobConfig.from(
                        new String[] {
                            "--aggregate-emit-interval-ms", "20", "--exactly-once", "true"
                        },
                        Map.of()));
    }
}
