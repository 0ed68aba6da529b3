package io.signalstream.job;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.signalstream.job.agents.AgentEvent;
import io.signalstream.job.agents.AgentOutcome;
import io.signalstream.job.agents.gemini.LlmTask;
import io.signalstream.job.dlq.DeadLetter;
import io.signalstream.job.source.SourceRecord;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationState;
import io.signalstream.model.SupportMessage;
import org.junit.jupiter.api.Test;

/**
 * Every type kept in Flink state or sent between operators is serialized by Flink's POJO serializer
 * and never falls back to Kryo: faster, and its state can evolve across savepoints.
 */
class SerializationGuardTest {

    @Test
    void stateTypesArePojos() {
        assertSerializedAsPojoWithoutKryo(ConversationState.class);
        assertSerializedAsPojoWithoutKryo(AggregatedIntelligence.class);
    }

    @Test
    void streamTypesArePojos() {
        assertSerializedAsPojoWithoutKryo(SourceRecord.class);
        assertSerializedAsPojoWithoutKryo(SupportMessage.class);
        assertSerializedAsPojoWithoutKryo(ConversationUpdate.class);
        assertSerializedAsPojoWithoutKryo(AgentOutcome.class);
        assertSerializedAsPojoWithoutKryo(AgentEvent.class);
        assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        assertSerializedAsPojoWithoutKryo(LlmTask.class);
    }
}
