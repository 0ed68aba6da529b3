package io.signalstream.job.agents.gemini;

import io.signalstream.job.agents.AgentProvider;
import io.signalstream.job.agents.local.LocalContextFold;
import io.signalstream.job.config.AgentSettings;
import io.signalstream.job.config.ConversationSettings;
import io.signalstream.job.config.GeminiSettings;
import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.conversation.CallPlanner;
import io.signalstream.job.conversation.ContextFold;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Google Gemini answers sentiment, insights, summary and the suggested reply, in at most one call
 * per customer message (planned in the conversation operator); personal data stays with the local
 * detector. The local agents' context is kept all the same: it is what a call falls back on.
 */
public final class GeminiProvider implements AgentProvider {
    private static final long serialVersionUID = 1L;

    private final GeminiSettings gemini;
    private final AgentSettings agents;
    private final ConversationSettings conversations;
    private final KafkaSettings kafka;
    private final String otlpEndpoint;

    /**
     * @param kafka where the model's answers are kept for a restart to re-use; null for none
     * @param otlpEndpoint where the agents' and model calls' spans go; null for none
     */
    public GeminiProvider(
            GeminiSettings gemini,
            AgentSettings agents,
            ConversationSettings conversations,
            KafkaSettings kafka,
            String otlpEndpoint) {
        this.otlpEndpoint = otlpEndpoint;
        this.gemini = gemini;
        this.agents = agents;
        this.conversations = conversations;
        this.kafka = kafka;
    }

    @Override
    public CallPlanner planner() {
        return new GeminiPlanner(gemini.summaryQuiet(), gemini.summaryEvery());
    }

    @Override
    public ContextFold contextFold() {
        return new LocalContextFold(conversations.piiEntities(), conversations.trendPoints());
    }

    @Override
    public boolean keepsWindow() {
        return true;
    }

    @Override
    public boolean modelParts() {
        return true;
    }

    /**
     * Unordered, so a message's local part never waits behind a model call; the timeout spans all
     * attempts of a call and its wait for budget; failed attempts are retried with jittered
     * exponential back-off.
     */
    @Override
    public SingleOutputStreamOperator<AgentResults> attach(DataStream<AgentRequest> requests) {
        return AsyncDataStream.unorderedWaitWithRetry(
                        requests,
                        new GeminiCallFunction(gemini, agents, conversations, kafka, otlpEndpoint),
                        agents.timeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        GeminiCallFunction.CAPACITY,
                        new JitteredBackoff(
                                agents.maxAttempts(),
                                agents.retryDelay().toMillis(),
                                agents.retryDelay().toMillis() * 32))
                .uid(UID)
                .name("agents (gemini)");
    }
}
