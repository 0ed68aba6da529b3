package io.signalstream.job.records;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the job's hand-written serializers. Every stream and state type of the job is an
 * immutable record, so a copy is the value itself (Flink copies records between chained operators
 * under object reuse, and the async operator copies its input); no reflection runs per record.
 *
 * <p>Each value starts with a format byte. A serializer reads every format it ever wrote, so state
 * written by an earlier version of the job restores as it is and is rewritten in the current format
 * when it next changes. A format this build does not know fails loudly instead of being misread.
 */
public abstract class ImmutableSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    /** The format this build writes. Raise it when the layout changes, and keep reading the old. */
    protected abstract int format();

    protected abstract void write(T value, DataOutputView out) throws IOException;

    /** Reads a value written in {@code format}, at most {@link #format()}. */
    protected abstract T read(int format, DataInputView in) throws IOException;

    @Override
    public final boolean isImmutableType() {
        return true;
    }

    @Override
    public final T createInstance() {
        return null;
    }

    @Override
    public final T copy(T from) {
        return from;
    }

    @Override
    public final T copy(T from, T reuse) {
        return from;
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final void serialize(T value, DataOutputView target) throws IOException {
        target.writeByte(format());
        write(value, target);
    }

    @Override
    public final T deserialize(DataInputView source) throws IOException {
        int written = source.readUnsignedByte();
        if (written < 1 || written > format()) {
            throw new IOException(
                    getClass().getSimpleName()
                            + " cannot read format "
                            + written
                            + "; this build reads formats 1 to "
                            + format());
        }
        return read(written, source);
    }

    @Override
    public final T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public final TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(getClass());
    }

    /**
     * The snapshot of every job serializer: its class. Restoring gives the class's {@code
     * INSTANCE}, which reads every format it ever wrote, so it is always compatible as it is.
     */
    public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {
        private Class<?> serializerClass;

        /** For Flink, which restores snapshots by this constructor. */
        public Snapshot() {}

        Snapshot(Class<?> serializerClass) {
            this.serializerClass = serializerClass;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(serializerClass.getName());
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            String name = in.readUTF();
            try {
                serializerClass = Class.forName(name, true, classLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException("cannot find serializer " + name, e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public TypeSerializer<T> restoreSerializer() {
            return (TypeSerializer<T>) instance(serializerClass);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
                TypeSerializerSnapshot<T> oldSnapshot) {
            return oldSnapshot instanceof Snapshot<?> old
                            && old.serializerClass.equals(serializerClass)
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }

    /** The {@code INSTANCE} of a serializer class. */
    static ImmutableSerializer<?> instance(Class<?> serializerClass) {
        try {
            return (ImmutableSerializer<?>) serializerClass.getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(serializerClass + " has no public INSTANCE", e);
        }
    }
}
