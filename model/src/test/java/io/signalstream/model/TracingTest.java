package io.signalstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracingTest {

    private static final String CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void offRecordsNothingButEachHopStillGetsItsOwnSpanIdOfTheSameTrace() {
        Tracing.Span span = Tracing.OFF.start("ingest", SpanKind.CONSUMER, CALLER);
        span.set(Tracing.TENANT, "acme").end();

        assertThat(Tracing.OFF.on()).isFalse();
        assertThat(Traceparent.traceId(span.traceparent()))
                .isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.traceparent()).isNotEqualTo(CALLER);
    }

    @Test
    void spansContinueTheCallersTraceAndChainHopByHop() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        List<SpanData> spans;
        try (Tracing tracing = Tracing.exportingTo(exported, "test", Duration.ofMillis(10))) {
            Tracing.Span post = tracing.start("POST /v1/messages", SpanKind.SERVER, CALLER);
            Tracing.Span model =
                    tracing.start("model call", SpanKind.CLIENT, post.traceparent())
                            .set("gen_ai.usage.input_tokens", 42)
                            .failed("429");
            model.end();
            post.set(Tracing.TENANT, "acme").end();
            tracing.flush();
            spans = exported.getFinishedSpanItems();
        }

        assertThat(spans).extracting(SpanData::getName).contains("POST /v1/messages", "model call");
        SpanData post = byName(spans, "POST /v1/messages");
        SpanData model = byName(spans, "model call");
        assertThat(post.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(post.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(model.getTraceId()).isEqualTo(post.getTraceId());
        assertThat(model.getParentSpanId()).isEqualTo(post.getSpanId());
        assertThat(model.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(model.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(
                        model.getAttributes()
                                .get(
                                        io.opentelemetry.api.common.AttributeKey.longKey(
                                                "gen_ai.usage.input_tokens")))
                .isEqualTo(42L);
        assertThat(post.getAttributes().get(Tracing.TENANT)).isEqualTo("acme");
        assertThat(
                        post.getResource()
                                .getAttribute(
                                        io.opentelemetry.api.common.AttributeKey.stringKey(
                                                "service.name")))
                .isEqualTo("test");
    }

    @Test
    void aHopWithNoValidParentStartsANewTrace() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        SpanData only;
        try (Tracing tracing = Tracing.exportingTo(exported, "test", Duration.ofMillis(10))) {
            Tracing.Span span = tracing.start("ingest", SpanKind.CONSUMER, "not-a-traceparent");
            span.end();
            assertThat(Traceparent.valid(span.traceparent())).isNotNull();
            tracing.flush();
            assertThat(exported.getFinishedSpanItems()).hasSize(1);
            only = exported.getFinishedSpanItems().get(0);
        }
        assertThat(only.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void aCallersUnsampledTraceStaysUnrecordedAndUnsampledDownstream() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        String unsampled = CALLER.substring(0, 53) + "00";
        try (Tracing tracing = Tracing.exportingTo(exported, "test", Duration.ofMillis(10))) {
            Tracing.Span span = tracing.start("ingest", SpanKind.CONSUMER, unsampled);
            span.end();
            assertThat(span.traceparent()).endsWith("-00");
            assertThat(Traceparent.traceId(span.traceparent()))
                    .isEqualTo(Traceparent.traceId(CALLER));
            tracing.flush();
            assertThat(exported.getFinishedSpanItems()).isEmpty();
        }
    }

    @Test
    void theEndpointMustBeAnHttpUrl() {
        assertThat(Tracing.endpoint(null)).isNull();
        assertThat(Tracing.endpoint(" ")).isNull();
        assertThat(Tracing.endpoint("http://collector:4318/")).isEqualTo("http://collector:4318");
        assertThat(Tracing.otlp("", "svc")).isSameAs(Tracing.OFF);
        assertThatThrownBy(() -> Tracing.endpoint("collector:4318"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Tracing.ENDPOINT_VARIABLE);
        assertThatThrownBy(() -> Tracing.endpoint("http://"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SpanData byName(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }
}
