package io.signalstream.job.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.model.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes agent results on (including local stand-ins for a model that failed) and sends calls that
 * still failed after their retries, or fell back, to the dead-letter side output with the (already
 * redacted) conversation they failed on.
 */
public final class OutcomeRouter extends ProcessFunction<AgentOutcome, AgentEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> FAILED = new OutputTag<>("agent-failures") {};

    private transient ObjectMapper mapper;
    private transient Counter deadLettered;

    @Override
    public void open(OpenContext openContext) {
        mapper = Json.newMapper();
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void processElement(AgentOutcome outcome, Context ctx, Collector<AgentEvent> out)
            throws Exception {
        if (!outcome.failed()) {
            out.collect(outcome.event());
        }
        if (!outcome.deadLetter()) {
            return;
        }
        deadLettered.inc();
        ctx.output(
                FAILED,
                new DeadLetter(
                        outcome.input().key().getBytes(StandardCharsets.UTF_8),
                        mapper.writeValueAsBytes(outcome.input().state()),
                        outcome.error(),
                        "agent." + outcome.agent().wireName(),
                        "",
                        -1,
                        -1));
    }
}
