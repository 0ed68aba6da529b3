package io.signalstream.job.agents;

import io.signalstream.job.conversation.CallPlanner;
import io.signalstream.job.conversation.ContextFold;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * A provider of the agents, chosen once by {@code AI_PROVIDER}: what it needs of the conversation
 * operator, and the one async operator it attaches to the requests. Both providers share the
 * operator's uid ({@link #UID}) and its state type, so a job switched from one to the other
 * restores its in-flight requests.
 */
public interface AgentProvider extends Serializable {

    /** The uid of the agents' async operator, whatever the provider. */
    String UID = "agents";

    /** When the conversation operator asks for a model call; {@link CallPlanner#NONE} for none. */
    CallPlanner planner();

    /** How the agents' context follows the messages. */
    ContextFold contextFold();

    /** Whether the conversation operator keeps the recent window in state for model prompts. */
    boolean keepsWindow();

    /**
     * Whether answers arrive apart from their messages (a model's), so the aggregator keeps the
     * answered parts in state. When false every answer is complete and the aggregator keeps none.
     */
    boolean modelParts();

    /**
     * Attaches the agents: one async operator over the requests, chained to the conversation
     * operator, with uid {@link #UID}; one output per request.
     */
    SingleOutputStreamOperator<AgentResults> attach(DataStream<AgentRequest> requests);
}
