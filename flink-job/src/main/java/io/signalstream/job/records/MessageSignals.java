package io.signalstream.job.records;

import io.signalstream.model.Intent;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the local provider reads in one message, worked out once where the message enters the job:
 * its sentiment scores and cues, intent, escalation and urgency cues, emotion cues, topic cues and
 * whether it says the problem is solved. The conversation operator keeps these signals of earlier
 * messages as the agents' context, so no agent ever reads the whole window again.
 *
 * @param compound the message's sentiment in [-1, 1]
 * @param positive sum of the positive valences (politeness apart)
 * @param negative sum of the negative valences (at most 0)
 * @param polite sum of the valences of politeness words
 * @param cues the words that carried its sentiment, at most {@link #MAX_CUES}
 * @param reason the index of the strongest escalation reason it states, or -1
 * @param emotionCues bit set of {@code EMOTION_*} cues, and {@link #INTENT_TENTATIVE}
 * @param topics bit set of topic cues, by the local provider's topic table
 * @param resolved whether it says the problem is solved
 */
public record MessageSignals(
        float compound,
        float positive,
        float negative,
        float polite,
        List<String> cues,
        Intent intent,
        int reason,
        boolean urgent,
        int emotionCues,
        int topics,
        boolean resolved) {

    public static final int MAX_CUES = 4;

    public static final int EMOTION_ANGRY = 1;
    public static final int EMOTION_SHOUTING = 1 << 1;
    public static final int EMOTION_FRUSTRATED = 1 << 2;
    public static final int EMOTION_ANXIOUS = 1 << 3;
    public static final int EMOTION_DISAPPOINTED = 1 << 4;
    public static final int EMOTION_CONFUSED = 1 << 5;
    public static final int EMOTION_GRATEFUL = 1 << 6;

    /**
     * Not an emotion: set when the intent rests on the intent model alone (no cue), so a follow-up
     * message does not move the conversation's intent. Shares the cue byte, so the state layout is
     * unchanged (signals written before it read as firm).
     */
    public static final int INTENT_TENTATIVE = 1 << 7;

    /** A message with no signal at all. */
    public static final MessageSignals NONE =
            new MessageSignals(
                    0, 0, 0, 0, List.of(), Intent.GENERAL_INQUIRY, -1, false, 0, 0, false);

    public boolean has(int emotionCue) {
        return (emotionCues & emotionCue) != 0;
    }

    static void write(DataOutputView out, MessageSignals s) throws IOException {
        out.writeFloat(s.compound);
        out.writeFloat(s.positive);
        out.writeFloat(s.negative);
        out.writeFloat(s.polite);
        Serde.strings(out, s.cues);
        Serde.enumValue(out, s.intent);
        out.writeByte(s.reason);
        out.writeBoolean(s.urgent);
        out.writeByte(s.emotionCues);
        out.writeInt(s.topics);
        out.writeBoolean(s.resolved);
    }

    static MessageSignals read(DataInputView in) throws IOException {
        return new MessageSignals(
                in.readFloat(),
                in.readFloat(),
                in.readFloat(),
                in.readFloat(),
                Serde.strings(in),
                Serde.enumValue(in, Intent.values()),
                in.readByte(),
                in.readBoolean(),
                in.readUnsignedByte(),
                in.readInt(),
                in.readBoolean());
    }
}
