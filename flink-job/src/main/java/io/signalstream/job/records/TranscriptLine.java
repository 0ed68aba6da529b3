package io.signalstream.job.records;

import io.signalstream.model.Sender;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One redacted line of the recent window a model reads, clipped to the window's line limit.
 *
 * @param seq the conversation's message count with this message
 */
@TypeInfo(RecordTypeInfoFactory.class)
public record TranscriptLine(long seq, Sender sender, String text) {

    static void write(DataOutputView out, TranscriptLine l) throws IOException {
        out.writeLong(l.seq);
        Serde.enumValue(out, l.sender);
        Serde.string(out, l.text);
    }

    static TranscriptLine read(DataInputView in) throws IOException {
        return new TranscriptLine(
                in.readLong(), Serde.enumValue(in, Sender.values()), Serde.string(in));
    }

    /** Format 1: seq, sender, text. */
    public static final class Serializer extends ImmutableSerializer<TranscriptLine> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int format() {
            return 1;
        }

        @Override
        protected void write(TranscriptLine l, DataOutputView out) throws IOException {
            TranscriptLine.write(out, l);
        }

        @Override
        protected TranscriptLine read(int format, DataInputView in) throws IOException {
            return TranscriptLine.read(in);
        }
    }
}
