package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import java.util.Collection;
import java.util.List;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    private final Coalescer coalescer = new Coalescer();

    private static Call call(String conversation, long seq, AgentRequest.Kind kind) {
        return new Call(
                new AgentRequest(kind, "acme", conversation, seq, null, null, List.of(), 0),
                new ResultFuture<>() {
                    @Override
                    public void complete(Collection<AgentResults> result) {}

                    @Override
                    public void completeExceptionally(Throwable error) {}

                    @Override
                    public void complete(CollectionSupplier<AgentResults> supplier) {}
                },
                1);
    }

    @Test
    void oneCallPerConversationIsActiveTheNextWaits() {
        Call first = call("c1", 1, AgentRequest.Kind.ANALYSIS);
        Call other = call("c2", 1, AgentRequest.Kind.ANALYSIS);
        Call second = call("c1", 2, AgentRequest.Kind.ANALYSIS);

        assertThat(coalescer.submit(first).start()).isTrue();
        assertThat(coalescer.submit(other).start()).isTrue();
        assertThat(coalescer.submit(second)).isEqualTo(new Coalescer.Admission(false, null));
        assertThat(coalescer.pending()).isEqualTo(1);

        assertThat(coalescer.finish(first)).isSameAs(second);
        assertThat(coalescer.active(second)).isTrue();
        assertThat(coalescer.pending()).isZero();
        assertThat(coalescer.finish(second)).isNull();
        assertThat(coalescer.finish(other)).isNull();
        assertThat(coalescer.conversations()).isZero();
    }

    @Test
    void aNewerCallReplacesTheWaitingOneAndAsksForEverythingItAsked() {
        Call active = call("c1", 1, AgentRequest.Kind.ANALYSIS);
        Call analysis = call("c1", 2, AgentRequest.Kind.ANALYSIS);
        Call summary = call("c1", 3, AgentRequest.Kind.SUMMARY);
        coalescer.submit(active);
        coalescer.submit(analysis);

        Coalescer.Admission admission = coalescer.submit(summary);

        assertThat(admission.start()).isFalse();
        assertThat(admission.replaced()).isSameAs(analysis);
        assertThat(summary.request.kind()).isEqualTo(AgentRequest.Kind.ANALYSIS);
        assertThat(summary.request.seq()).isEqualTo(3);
        assertThat(coalescer.pending()).isEqualTo(1);
        assertThat(coalescer.finish(active)).isSameAs(summary);
    }

    @Test
    void aWaitingCallCanBeWithdrawnAnActiveOneCannot() {
        Call active = call("c1", 1, AgentRequest.Kind.ANALYSIS);
        Call waiting = call("c1", 2, AgentRequest.Kind.SUMMARY);
        coalescer.submit(active);
        coalescer.submit(waiting);

        assertThat(coalescer.withdraw(active)).isFalse();
        assertThat(coalescer.withdraw(waiting)).isTrue();
        assertThat(coalescer.pending()).isZero();
        assertThat(coalescer.finish(active)).isNull();
    }
}
