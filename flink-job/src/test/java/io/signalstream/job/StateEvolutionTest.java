package io.signalstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.Channel;
import io.signalstream.model.ConversationState;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.Sender;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conversation state written by this version restores into a next version of {@link
 * ConversationState} with one more field, the way Flink restores a savepoint: the old serializer
 * snapshot is read with the new class, compatibility is resolved, and the old bytes are read back.
 */
class StateEvolutionTest {

    /** The next version: the same record with an {@code assignee} added at the end. */
    private static final String NEXT_VERSION =
            """
            package io.signalstream.model;

            import java.time.Instant;
            import java.util.List;

            public record ConversationState(
                    String tenantId, String conversationId, long messageCount,
                    List<RecentMessage> recentMessages, String lastMessageId,
                    Instant startedAt, Instant lastActivity, String assignee) {}
            """;

    @TempDir Path dir;

    @Test
    void savedStateRestoresIntoARecordWithOneMoreField() throws Exception {
        // Given state serialized by today's ConversationState, with its serializer snapshot
        Instant t = Instant.parse("2026-01-15T10:00:00Z");
        ConversationState saved =
                new ConversationState(
                        "acme",
                        "c1",
                        2,
                        List.of(
                                new RecentMessage(
                                        "m2",
                                        Sender.CUSTOMER,
                                        "hello <EMAIL_ADDRESS>",
                                        Channel.CHAT,
                                        t)),
                        "m2",
                        t,
                        t);
        TypeSerializer<ConversationState> oldSerializer =
                TypeInformation.of(ConversationState.class)
                        .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, oldSerializer.snapshotConfiguration());
        oldSerializer.serialize(saved, out);

        // When the next version of the class reads it back
        ClassLoader next = nextVersionClassLoader();
        Class<?> nextClass = next.loadClass(ConversationState.class.getName());
        assertThat(nextClass.getRecordComponents()).hasSize(8);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializerSnapshot<Object> oldSnapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(in, next);
        @SuppressWarnings("unchecked")
        TypeSerializer<Object> newSerializer =
                (TypeSerializer<Object>)
                        TypeInformation.of(nextClass).createSerializer(new SerializerConfigImpl());
        TypeSerializerSchemaCompatibility<Object> compatibility =
                newSerializer.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        Object restored = oldSnapshot.restoreSerializer().deserialize(in);

        // Then Flink migrates it, every old field keeps its value and the new one is empty
        assertThat(compatibility.isIncompatible()).isFalse();
        assertThat(compatibility.isCompatibleAfterMigration() || compatibility.isCompatibleAsIs())
                .isTrue();
        assertThat(restored.getClass()).isSameAs(nextClass);
        assertThat(component(restored, "tenantId")).isEqualTo("acme");
        assertThat(component(restored, "messageCount")).isEqualTo(2L);
        assertThat(component(restored, "recentMessages")).isEqualTo(saved.recentMessages());
        assertThat(component(restored, "lastActivity")).isEqualTo(t);
        assertThat(component(restored, "assignee")).isNull();

        // and the migrated value is written with the new serializer from then on
        DataOutputSerializer migrated = new DataOutputSerializer(256);
        newSerializer.serialize(restored, migrated);
        Object again =
                newSerializer.deserialize(new DataInputDeserializer(migrated.getCopyOfBuffer()));
        assertThat(again).isEqualTo(restored);
    }

    private static Object component(Object record, String name) throws Exception {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c.getAccessor().invoke(record);
            }
        }
        throw new AssertionError("no component " + name);
    }

    /**
     * Compiles the next version and loads it in place of today's class; everything else is shared.
     */
    private ClassLoader nextVersionClassLoader() throws Exception {
        Path source = dir.resolve("src/io/signalstream/model/ConversationState.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, NEXT_VERSION);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int result =
                javac.run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "-classpath",
                        location(RecentMessage.class),
                        source.toString());
        assertThat(result).as("compiling the next version").isZero();
        byte[] bytes =
                Files.readAllBytes(
                        classes.resolve("io/signalstream/model/ConversationState.class"));
        String name = ConversationState.class.getName();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve)
                    throws ClassNotFoundException {
                if (!className.equals(name)) {
                    return super.loadClass(className, resolve);
                }
                synchronized (getClassLoadingLock(className)) {
                    Class<?> loaded = findLoadedClass(className);
                    return loaded != null ? loaded : defineClass(className, bytes, 0, bytes.length);
                }
            }
        };
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
