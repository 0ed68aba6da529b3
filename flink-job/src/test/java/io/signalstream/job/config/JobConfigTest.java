package io.signalstream.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void settingsComeFromArgumentsThenTheEnvironmentAndSecretsAreNeverPrinted() {
        JobConfig config =
                JobConfig.from(
                        new String[] {"--ai-provider", "gemini", "--gemini-rpm-limit", "120"},
                        Map.of(
                                "GEMINI_API_KEY", "AIzaSy-very-secret",
                                "KAFKA_API_SECRET", "kafka-very-secret",
                                "KAFKA_API_KEY", "kafka-key",
                                "GEMINI_MODEL", "gemini-x-flash",
                                "GEMINI_TEMPERATURE", "0.1",
                                "RECENT_WINDOW", "30",
                                "AGENT_TOPICS", "true"));
        assertThat(config.provider()).isEqualTo(Provider.GEMINI);
        assertThat(config.gemini().apiKey()).isEqualTo("AIzaSy-very-secret");
        assertThat(config.gemini().model()).isEqualTo("gemini-x-flash");
        assertThat(config.gemini().rpmLimit()).isEqualTo(120);
        assertThat(config.conversations().window()).isEqualTo(30);
        assertThat(config.output().agentTopics()).isTrue();
        assertThat(config.toString())
                .contains("gemini-x-flash", "rpmLimit=120")
                .doesNotContain("very-secret");
    }

    @Test
    void theDefaultsNeedNoSettingAtAll() {
        JobConfig config = JobConfig.from(new String[0], Map.of());
        assertThat(config.provider()).isEqualTo(Provider.LOCAL);
        assertThat(config.output().agentTopics()).isFalse();
        assertThat(config.output().rules()).isTrue();
        assertThat(JobConfig.from(new String[0], Map.of("RULES", "false")).output().rules())
                .isFalse();
        assertThat(config.output().compression()).isEqualTo("snappy");
        assertThat(config.output().maxRecordBytes()).isLessThan(OutputSettings.MAX_REQUEST_BYTES);
        assertThat(config.conversations().dedupeWindow()).isEqualTo(64);
        assertThat(config.conversations().heapConversations()).isEqualTo(4_096);
        assertThat(config.kafka().fetchMinBytes()).isEqualTo(16_384);
        assertThat(config.kafka().fetchMaxWaitMs()).isEqualTo(10);
        assertThat(config.otlpEndpoint()).as("spans are off").isNull();
        assertThat(
                        JobConfig.from(
                                        new String[0],
                                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318/"))
                                .otlpEndpoint())
                .isEqualTo("http://otel:4318");
    }

    @Test
    void aSettingThatCannotWorkStopsTheJobBeforeItStartsNamingTheSetting() {
        assertThatThrownBy(() -> JobConfig.from(new String[] {"--ai-provider", "gemini"}, Map.of()))
                .hasMessageContaining("GEMINI_API_KEY");
        assertThatThrownBy(() -> JobConfig.from(new String[] {"--ai-provider", "openai"}, Map.of()))
                .hasMessageContaining("unknown AI provider 'openai'")
                .hasMessageContaining("gemini")
                .hasMessageContaining("local");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        new String[] {"--otel-exporter-otlp-endpoint", "otel:4318"},
                                        Map.of()))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT")
                .hasMessageContaining("http://collector:4318");
        assertThatThrownBy(() -> JobConfig.from(new String[0], Map.of("RECENT_WINDOW", "many")))
                .hasMessageContaining("RECENT_WINDOW")
                .hasMessageContaining("whole number");
        assertThatThrownBy(
                        () -> JobConfig.from(new String[0], Map.of("MAX_RECORD_BYTES", "5000000")))
                .hasMessageContaining("MAX_RECORD_BYTES");
        assertThatThrownBy(() -> JobConfig.from(new String[0], Map.of("HEAP_CONVERSATIONS", "-1")))
                .hasMessageContaining("HEAP_CONVERSATIONS");
        assertThatThrownBy(
                        () -> JobConfig.from(new String[0], Map.of("AGGREGATE_PII_ENTITIES", "0")))
                .hasMessageContaining("AGGREGATE_PII_ENTITIES must be between 1 and 50");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        new String[] {"--aggregate-trend-points", "51"}, Map.of()))
                .hasMessageContaining("AGGREGATE_TREND_POINTS must be between 1 and 50");
        assertThatThrownBy(
                        () -> JobConfig.from(new String[0], Map.of("CONVERSATION_TTL", "7 days")))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> JobConfig.from(new String[0], Map.of("KAFKA_API_KEY", "only-key")))
                .hasMessageContaining("KAFKA_API_SECRET");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        new String[] {"--kafka-fetch-min-bytes", "0"}, Map.of()))
                .hasMessageContaining("KAFKA_FETCH_MIN_BYTES");
    }
}
