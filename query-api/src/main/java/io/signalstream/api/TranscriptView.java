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
import org.apache.kafka.common.header.Header;

/**
 * The recent transcript of every conversation, from the compacted {@code
 * support.conversations.transcript} topic: one record per window slot (key {@code
 * tenant/conversation#slot}), the higher {@code seq} (the record's header) winning within a slot.
 * The slots of a conversation together are its last messages; tombstones on them remove it. Slots
 * are kept as bytes and parsed only when a transcript is read.
 */
public final class TranscriptView extends CompactedTopicReader {

    private final ObjectReader reader = Json.newMapper().readerFor(TranscriptEntry.class);

    /** One slot's newest message: its seq (from the record's header) and bytes, parsed on use. */
    private record Slot(long seq, byte[] json) {}

    /** tenant → conversation key → slot key → newest entry in that slot. */
    private final Map<String, Map<String, Map<String, Slot>>> byTenant = new ConcurrentHashMap<>();

    public TranscriptView(ApiSettings settings) {
        super(settings, Topics.prefixed(settings.topicPrefix(), Topics.TRANSCRIPT));
    }

    /** The conversation's recent messages, oldest first; empty when there are none. */
    public Optional<List<TranscriptEntry>> get(String conversationKey) {
        Map<String, Map<String, Slot>> tenant = byTenant.get(tenantOf(conversationKey));
        Map<String, Slot> slots = tenant == null ? null : tenant.get(conversationKey);
        if (slots == null || slots.isEmpty()) {
            return Optional.empty();
        }
        List<TranscriptEntry> entries = new ArrayList<>(slots.size());
        for (Slot slot : slots.values()) {
            entries.add(parse(slot.json()));
        }
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
        Map<String, Map<String, Slot>> tenant =
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
        Header header = record.headers().lastHeader("seq");
        long seq =
                header == null
                        ? parse(record.value()).seq()
                        : Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        tenant.computeIfAbsent(conversation, k -> new ConcurrentHashMap<>())
                .merge(
                        slotKey,
                        new Slot(seq, record.value()),
                        (old, incoming) -> incoming.seq() > old.seq() ? incoming : old);
    }

    private TranscriptEntry parse(byte[] json) {
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
