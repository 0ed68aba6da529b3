package io.signalstream.job.records;

import io.signalstream.model.AgentKind;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.LlmUsage;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Every agent's answer to one request, together: one async call per request, one record out. A part
 * is null when its agent did not run for this request or failed ({@link #runs} says which).
 *
 * @param pii personal data of the whole conversation so far, the newest message redacted
 * @param runs one per agent that ran
 * @param usage what a model call cost; null for the local agents
 * @param deadLetter why part of the answer failed or fell back; the request then also goes to the
 *     dead-letter topic with this reason. Null when all went well.
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record AgentResults(
        AgentRequest request,
        SentimentResult sentiment,
        PiiResult pii,
        InsightsResult insights,
        SummaryResult summary,
        ReplyResult reply,
        List<AgentRun> runs,
        LlmUsage usage,
        String deadLetter) {

    /** Nothing to add: a request whose answer a newer one already covers, or an expiry. */
    public static AgentResults none(AgentRequest request) {
        return new AgentResults(request, null, null, null, null, null, List.of(), null, null);
    }

    /** Whether {@code agent} (any agent when null) answered through {@code provider}. */
    public boolean answeredBy(AgentKind agent, String provider) {
        return runs.stream()
                .anyMatch(
                        run ->
                                (agent == null || run.agent() == agent)
                                        && provider.equals(run.provider()));
    }

    /**
     * An attempt that failed and may be tried again: no agent answered and nothing fell back yet.
     */
    public boolean retryable() {
        return deadLetter == null && !runs.isEmpty() && runs.stream().noneMatch(AgentRun::answered);
    }

    /**
     * Format 6: the request (its format 4), the parts (insights with their language, the summary
     * with the model's satisfaction estimate), the runs, usage and reason; format 5 has the summary
     * without the estimate, format 4 also holds a format-3 request, format 3 a format-2 request,
     * format 2 also lacks the language, format 1 also holds a format-1 request.
     */
    public static final class Serializer extends ImmutableSerializer<AgentResults> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 6;
        }

        @Override
        protected void write(AgentResults r, DataOutputView out) throws IOException {
            AgentRequest.Serializer.writeCurrent(r.request(), out);
            Serde.sentiment(out, r.sentiment());
            Serde.pii(out, r.pii());
            Serde.insights(out, r.insights());
            Serde.summary(out, r.summary());
            Serde.reply(out, r.reply());
            Serde.list(out, r.runs(), AgentRun::write);
            Serde.usage(out, r.usage());
            Serde.string(out, r.deadLetter());
        }

        @Override
        protected AgentResults read(int format, DataInputView in) throws IOException {
            return new AgentResults(
                    AgentRequest.Serializer.readFormat(
                            format >= 5 ? 4 : format == 4 ? 3 : Math.min(format, 2), in),
                    Serde.sentiment(in),
                    Serde.pii(in),
                    Serde.insights(in, format >= 3),
                    Serde.summary(in, format >= 6),
                    Serde.reply(in),
                    Serde.list(in, AgentRun::read),
                    Serde.usage(in),
                    Serde.string(in));
        }
    }
}
