package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectReader;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import io.signalstream.model.TranscriptEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The recent transcript of every conversation, from the compacted {@code
 * support.conversations.transcript} topic: one record per window slot (key {@code
 * tenant/conversation#slot}), the higher {@code seq} winning within a slot. The slots of a
 * conversation together are its last messages; tombstones on them remove it.
 */
public final class TranscriptView extends CompactedTopicReader {

    private final ObjectReader reader = Json.newMapper().readerFor(TranscriptEntry.class);

    /** tenant → conversation key → slot key → newest entry in that slot. */
    private final Map<String, Map<String, Map<String, TranscriptEntry>>> byTenant =
            new ConcurrentHashMap<>();

    public TranscriptView(ApiSettings settings) {
        super(settings, Topics.prefixed(settings.topicPrefix(), Topics.TRANSCRIPT));
    }

    /** The conversation's recent messages, oldest first; empty when there are none. */
    public Optional<List<TranscriptEntry>> get(String conversationKey) {
        Map<String, Map<String, TranscriptEntry>> tenant = byTenant.get(tenantOf(conversationKey));
        Map<String, TranscriptEntry> slots = tenant == null ? null : tenant.get(conversationKey);
        if (slots == null || slots.isEmpty()) {
            return Optional.empty();
        }
        List<TranscriptEntry> entries = new ArrayList<>(slots.values());
        entries.sort(Comparator.comparingLong(TranscriptEntry::seq));
        return Optional.of(entries);
    }

    @Override
    public int size() {
        return byTenant.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    protected void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String slotKey = new String(record.key(), StandardCharsets.UTF_8);
        String conversation = TranscriptEntry.conversationKeyOf(slotKey);
        if (conversation == null) {
            return; // not a slot record
        }
        Map<String, Map<String, TranscriptEntry>> tenant =
                byTenant.computeIfAbsent(tenantOf(conversation), t -> new ConcurrentHashMap<>());
        if (record.value() == null) {
            tenant.computeIfPresent(
                    conversation,
                    (k, slots) -> {
                        slots.remove(slotKey);
                        return slots.isEmpty() ? null : slots;
                    });
            return;
        }
        TranscriptEntry entry;
        try {
            entry = reader.readValue(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tenant.computeIfAbsent(conversation, k -> new ConcurrentHashMap<>())
                .merge(
                        slotKey,
                        entry,
                        (old, incoming) -> incoming.seq() > old.seq() ? incoming : old);
    }
}
