package io.signalstream.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.Tracing;
import org.junit.jupiter.api.Test;

class JobTracingTest {

    @Test
    void offNeedsNoExporter() {
        Tracing off = JobTracing.acquire(null);
        assertThat(off).isSameAs(Tracing.OFF);
        assertThat(JobTracing.release(null, off)).isNull();
    }

    @Test
    void operatorsOfOneJvmShareOneExporterUntilTheLastGivesItBack() {
        String endpoint = "http://127.0.0.1:9/shared-" + System.nanoTime();
        Tracing first = JobTracing.acquire(endpoint);
        Tracing second = JobTracing.acquire(endpoint);
        assertThat(first.on()).isTrue();
        assertThat(second).isSameAs(first);

        JobTracing.release(endpoint, second);
        assertThat(JobTracing.acquire(endpoint)).as("still in use").isSameAs(first);
        JobTracing.release(endpoint, first);
        JobTracing.release(endpoint, null); // closed before it opened: not counted
        JobTracing.release(endpoint, first);

        Tracing after = JobTracing.acquire(endpoint);
        assertThat(after).as("a new exporter once the last closed").isNotSameAs(first);
        JobTracing.release(endpoint, after);
    }
}
