package io.signalstream.job.records;

import io.signalstream.model.InsightsResult;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The aggregator's state under a model provider: the parts a model answered, which arrive apart
 * from the messages, and the last version written. The local provider needs none of it: every
 * message's answer is complete.
 *
 * @param version the last aggregate version written
 * @param pii the newest PII part (local, plus what a model found)
 * @param runs the newest run of each model agent
 * @param trend the model's sentiment after each answer, oldest first
 * @param modelPii personal data a model found ({@code GEMINI_PII}), newest kept
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record ModelParts(
        long version,
        SentimentResult sentiment,
        PiiResult pii,
        InsightsResult insights,
        SummaryResult summary,
        ReplyResult reply,
        List<AgentRun> runs,
        List<SentimentPoint> trend,
        List<PiiEntity> modelPii) {

    public static final ModelParts EMPTY =
            new ModelParts(0, null, null, null, null, null, List.of(), List.of(), List.of());

    /**
     * Format 3: the fields in order; format 2 has the summary without the model's satisfaction
     * estimate, format 1 also insights without their language.
     */
    public static final class Serializer extends ImmutableSerializer<ModelParts> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 3;
        }

        @Override
        protected void write(ModelParts p, DataOutputView out) throws IOException {
            out.writeLong(p.version());
            Serde.sentiment(out, p.sentiment());
            Serde.pii(out, p.pii());
            Serde.insights(out, p.insights());
            Serde.summary(out, p.summary());
            Serde.reply(out, p.reply());
            Serde.list(out, p.runs(), AgentRun::write);
            Serde.list(out, p.trend(), Serde::point);
            Serde.list(out, p.modelPii(), Serde::piiEntity);
        }

        @Override
        protected ModelParts read(int format, DataInputView in) throws IOException {
            return new ModelParts(
                    in.readLong(),
                    Serde.sentiment(in),
                    Serde.pii(in),
                    Serde.insights(in, format >= 2),
                    Serde.summary(in, format >= 3),
                    Serde.reply(in),
                    Serde.list(in, AgentRun::read),
                    Serde.list(in, Serde::point),
                    Serde.list(in, Serde::piiEntity));
        }
    }
}
