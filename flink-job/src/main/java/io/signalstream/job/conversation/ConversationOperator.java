package io.signalstream.job.conversation;

import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.InboundMessage;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs the {@link ConversationFunction} as a keyed process operator does, and lets it write the
 * conversations it keeps on the heap back under their own keys: as they leave the heap, and before
 * each snapshot of the keyed state (an operator's {@code snapshotState} runs before its state
 * backends are snapshotted).
 */
public final class ConversationOperator
        extends KeyedProcessOperator<String, InboundMessage, AgentRequest> {

    private static final long serialVersionUID = 1L;

    private final ConversationFunction function;

    public ConversationOperator(ConversationFunction function) {
        super(function);
        this.function = function;
    }

    @Override
    public void open() throws Exception {
        function.useKeys(this::setCurrentKey);
        super.open();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        Object key = getCurrentKey();
        function.flush();
        if (key != null) {
            setCurrentKey(key);
        }
        super.snapshotState(context);
    }
}
