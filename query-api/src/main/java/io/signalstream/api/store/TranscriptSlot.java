package io.signalstream.api.store;

/**
 * The newest message in one slot of a conversation's transcript window.
 *
 * @param slot the slot's name, the part of the record key after {@code #}
 * @param seq the message's number in its conversation; within a slot the higher one wins
 * @param json the transcript entry's JSON exactly as the job wrote it
 */
public record TranscriptSlot(String slot, long seq, byte[] json) {

    int size() {
        return json.length + slot.length() + 16;
    }
}
