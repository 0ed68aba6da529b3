package io.signalstream.job.records;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Named by {@code @TypeInfo} on each job record: the record's type information with the serializer
 * nested in it as {@code Serializer}, so every stream and state descriptor of the type uses it
 * without being told. Looked up once, when the job graph is built.
 */
public final class RecordTypeInfoFactory<T> extends TypeInfoFactory<T> {

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> genericParameters) {
        Class<T> type = (Class<T>) t;
        try {
            Class<?> serializer =
                    Class.forName(type.getName() + "$Serializer", true, type.getClassLoader());
            return new ImmutableTypeInfo<>(
                    type, (ImmutableSerializer<T>) ImmutableSerializer.instance(serializer));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(type + " has no nested Serializer", e);
        }
    }
}
