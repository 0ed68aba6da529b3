package io.signalstream.job.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.SummaryResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every record of the job goes through its own serializer, never Flink's reflective POJO serializer
 * or Kryo; values survive a round trip; a copy is the value itself; and bytes written in format 1
 * still read the same (the files under {@code state-formats/} are kept forever: a change to a
 * layout raises the format and keeps reading these).
 */
class SerializersTest {

    /** Set to write the fixture of a NEW format; an existing fixture is never rewritten. */
    private static final String WRITE = "signalstream.writeStateFormats";

    @SuppressWarnings("unchecked")
    private static <T> TypeSerializer<T> serializer(Class<T> type) {
        TypeInformation<T> info = TypeInformation.of(type);
        assertThat(info).as(type.getSimpleName()).isInstanceOf(ImmutableTypeInfo.class);
        return info.createSerializer(new SerializerConfigImpl());
    }

    private static <T> byte[] write(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRecordRoundTripsThroughItsOwnSerializerAndCopiesForFree() throws Exception {
        for (Map.Entry<Class<?>, Object> e : Samples.all().entrySet()) {
            TypeSerializer<Object> s = (TypeSerializer<Object>) serializer(e.getKey());
            assertThat(s.isImmutableType()).isTrue();
            assertThat(s.copy(e.getValue())).isSameAs(e.getValue());
            byte[] bytes = write(s, e.getValue());
            Object back = s.deserialize(new DataInputDeserializer(bytes));
            assertThat(back)
                    .as(e.getKey().getSimpleName())
                    .usingRecursiveComparison()
                    .isEqualTo(e.getValue());
            // copying serialized bytes (as RocksDB state migration does) keeps them the same
            DataOutputSerializer copied = new DataOutputSerializer(256);
            s.copy(new DataInputDeserializer(bytes), copied);
            assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes);
        }
    }

    @Test
    void theModelsSatisfactionEstimateRoundTripsInTheSummaryOfStateAndStreams() throws Exception {
        SummaryResult summary =
                new SummaryResult(
                        "Disputes a charge.",
                        List.of("charge"),
                        ResolutionStatus.PENDING,
                        new SummaryResult.Satisfaction(2.5, 0.6, "medium"));
        ModelParts parts =
                new ModelParts(7, null, null, null, summary, null, List.of(), List.of(), List.of());
        byte[] bytes = write(ModelParts.Serializer.INSTANCE, parts);
        assertThat(
                        ModelParts.Serializer.INSTANCE
                                .deserialize(new DataInputDeserializer(bytes))
                                .summary())
                .isEqualTo(summary);
    }

    @Test
    @SuppressWarnings("unchecked")
    void bytesWrittenInFormatOneStillReadTheSame() throws Exception {
        for (Map.Entry<Class<?>, Object> e : Samples.all().entrySet()) {
            String name = "state-formats/" + e.getKey().getSimpleName() + "-1.bin";
            TypeSerializer<Object> s = (TypeSerializer<Object>) serializer(e.getKey());
            byte[] saved = read(name);
            if (saved == null && Boolean.getBoolean(WRITE)) {
                Path file = Path.of("src/test/resources", name);
                Files.createDirectories(file.getParent());
                Files.write(file, write(s, e.getValue()));
                continue;
            }
            assertThat(saved)
                    .as("%s is missing; run once with -D%s=true to write it", name, WRITE)
                    .isNotNull();
            assertThat(saved[0]).as("format byte").isEqualTo((byte) 1);
            Object back = s.deserialize(new DataInputDeserializer(saved));
            assertThat(back).as(name).usingRecursiveComparison().isEqualTo(e.getValue());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRestoredSnapshotIsCompatibleAsIs() throws Exception {
        for (Class<?> type : Samples.all().keySet()) {
            TypeSerializer<Object> s = (TypeSerializer<Object>) serializer(type);
            TypeSerializerSnapshot<Object> snapshot = s.snapshotConfiguration();
            DataOutputSerializer out = new DataOutputSerializer(64);
            TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
            TypeSerializerSnapshot<Object> restored =
                    TypeSerializerSnapshot.readVersionedSnapshot(
                            new DataInputDeserializer(out.getCopyOfBuffer()),
                            getClass().getClassLoader());
            TypeSerializerSchemaCompatibility<Object> compatibility =
                    s.snapshotConfiguration().resolveSchemaCompatibility(restored);
            assertThat(compatibility.isCompatibleAsIs()).as(type.getSimpleName()).isTrue();
            assertThat(restored.restoreSerializer()).isEqualTo(s);
        }
    }

    @Test
    void aSourceRecordKeepsItsHeadersFromFormatTwoOn() throws Exception {
        SourceRecord withHeaders =
                new SourceRecord(
                        "support.messages.raw",
                        1,
                        2,
                        3,
                        null,
                        new byte[] {1},
                        List.of(SinkRecord.Header.of("origin", "chat-widget")));
        byte[] bytes = write(SourceRecord.Serializer.INSTANCE, withHeaders);
        assertThat(bytes[0]).isEqualTo((byte) 2);
        assertThat(SourceRecord.Serializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .usingRecursiveComparison()
                .isEqualTo(withHeaders);
    }

    /** Results without parts for the sample request with another context and epoch. */
    private static AgentResults resultsOf(ConversationContext context, long epoch) {
        AgentRequest r = Samples.REQUEST;
        return new AgentResults(
                new AgentRequest(
                        r.kind(),
                        r.tenantId(),
                        r.conversationId(),
                        r.seq(),
                        r.message(),
                        context,
                        r.transcript(),
                        r.createdAtMs(),
                        epoch),
                null,
                null,
                null,
                null,
                null,
                List.of(),
                null,
                null);
    }

    @Test
    void theEpochOfAConversationAndItsRequestsRoundTripsFromFormatTwoOn() throws Exception {
        Conversation c = Samples.CONVERSATION;
        Conversation later = c.withEpoch(1_800_000_000_123L);
        byte[] bytes = write(Conversation.Serializer.INSTANCE, later);
        assertThat(bytes[0]).isEqualTo((byte) 3);
        assertThat(Conversation.Serializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .usingRecursiveComparison()
                .isEqualTo(later);

        AgentResults results = resultsOf(Samples.REQUEST.context(), 1_800_000_000_123L);
        byte[] resultBytes = write(AgentResults.Serializer.INSTANCE, results);
        assertThat(resultBytes[0]).isEqualTo((byte) 6);
        assertThat(
                        AgentResults.Serializer.INSTANCE
                                .deserialize(new DataInputDeserializer(resultBytes))
                                .request()
                                .epoch())
                .isEqualTo(1_800_000_000_123L);
    }

    @Test
    void responseTimesRoundTripInTheConversationAndItsRequestsFromFormatThreeOn() throws Exception {
        ResponseTimes times =
                new ResponseTimes(1_000, 9_000, 8_000, 8_500, 2_000, -1, 2, 3_000, 3, 4);
        Conversation c = Samples.CONVERSATION;
        Conversation timed =
                new Conversation(
                        c.tenantId(),
                        c.conversationId(),
                        c.messageCount(),
                        c.startedAt(),
                        c.lastActivity(),
                        c.lastSeenMs(),
                        c.expiryTimer(),
                        c.recentIds(),
                        c.context().withTimes(times),
                        c.plannedSeq(),
                        c.quietDue(),
                        c.quietTimer(),
                        c.epoch());
        byte[] bytes = write(Conversation.Serializer.INSTANCE, timed);
        assertThat(Conversation.Serializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .usingRecursiveComparison()
                .isEqualTo(timed);

        AgentResults results =
                resultsOf(Samples.REQUEST.context().withTimes(times), Samples.REQUEST.epoch());
        byte[] resultBytes = write(AgentResults.Serializer.INSTANCE, results);
        assertThat(
                        AgentResults.Serializer.INSTANCE
                                .deserialize(new DataInputDeserializer(resultBytes))
                                .request()
                                .context()
                                .times())
                .isEqualTo(times);
    }

    @Test
    void aMessagesTraceparentTravelsInItsRequestAndResults() throws Exception {
        String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        AgentRequest r = Samples.REQUEST;
        AgentRequest traced =
                new AgentRequest(
                        r.kind(),
                        r.tenantId(),
                        r.conversationId(),
                        r.seq(),
                        r.message().withTraceparent(trace),
                        r.context(),
                        r.transcript(),
                        r.createdAtMs(),
                        r.epoch());
        byte[] bytes = write(AgentRequest.Serializer.INSTANCE, traced);
        assertThat(bytes[0]).isEqualTo((byte) 4);
        assertThat(
                        AgentRequest.Serializer.INSTANCE
                                .deserialize(new DataInputDeserializer(bytes))
                                .message()
                                .traceparent())
                .isEqualTo(trace);
        AgentResults results = AgentResults.none(traced);
        assertThat(
                        AgentResults.Serializer.INSTANCE
                                .deserialize(
                                        new DataInputDeserializer(
                                                write(AgentResults.Serializer.INSTANCE, results)))
                                .request()
                                .message()
                                .traceparent())
                .isEqualTo(trace);
    }

    @Test
    void analyticsEventsRoundTripWithAndWithoutAModelsUse() throws Exception {
        for (AnalyticsEvent e :
                List.of(
                        AnalyticsEvent.modelUse(
                                "acme", 1_000, new AnalyticsEvent.ModelUse(2, 800, 150, true)),
                        new AnalyticsEvent(
                                "acme",
                                2_000,
                                io.signalstream.model.Sender.CUSTOMER,
                                true,
                                7,
                                io.signalstream.model.SentimentLabel.NEGATIVE,
                                -0.5,
                                io.signalstream.model.Intent.BILLING,
                                io.signalstream.model.Urgency.HIGH,
                                true,
                                false,
                                true,
                                10,
                                20,
                                3.5,
                                "en",
                                null))) {
            byte[] bytes = write(AnalyticsEvent.Serializer.INSTANCE, e);
            assertThat(bytes[0]).isEqualTo((byte) 2);
            assertThat(
                            AnalyticsEvent.Serializer.INSTANCE.deserialize(
                                    new DataInputDeserializer(bytes)))
                    .isEqualTo(e);
        }
    }

    @Test
    void aFormatFromANewerBuildFailsLoudlyInsteadOfBeingMisread() {
        byte[] future = {9, 0, 0};
        assertThatThrownBy(
                        () ->
                                Conversation.Serializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(future)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot read format 9");
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in =
                SerializersTest.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
