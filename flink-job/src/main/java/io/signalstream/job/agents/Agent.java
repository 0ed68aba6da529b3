package io.signalstream.job.agents;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import java.util.concurrent.CompletableFuture;

/**
 * One AI agent behind one provider. Implementations are made in a Flink function's {@code open()},
 * so they may hold clients; they must be safe to call from the task thread while earlier calls are
 * still in flight.
 */
public interface Agent extends AutoCloseable {

    AgentKind kind();

    /** The provider name carried in each result envelope, e.g. {@code local}, {@code gemini}. */
    String provider();

    /**
     * The provider to report for one result; differs from {@link #provider()} when the agent had to
     * fall back, e.g. to the local rules when a model did not answer.
     */
    default String provider(AgentOutput output) {
        return provider();
    }

    /** The model or algorithm version carried in each result envelope. */
    String model();

    /** Whether this update needs this agent at all (the reply agent answers customers only). */
    default boolean appliesTo(ConversationUpdate update) {
        return true;
    }

    /**
     * Analyses the conversation as of {@code update}; a failed future is retried, then
     * dead-lettered.
     */
    CompletableFuture<AgentOutput> analyze(ConversationUpdate update);

    @Override
    default void close() {}
}
