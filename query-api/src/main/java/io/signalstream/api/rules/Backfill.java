package io.signalstream.api.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.api.store.ConversationQuery;
import io.signalstream.api.store.ConversationStore;
import io.signalstream.api.store.Cursor;
import io.signalstream.api.store.Page;
import io.signalstream.api.store.StoredAggregate;
import io.signalstream.api.store.Summary;
import io.signalstream.api.store.TranscriptSlot;
import io.signalstream.model.Alert;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import io.signalstream.model.Sender;
import io.signalstream.model.TranscriptEntry;
import io.signalstream.model.rules.Rule;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Applies a rule to history: evaluates it over a tenant's stored conversations (newest activity
 * first, those active in {@code [from, to)}), as they stand now, and raises an alert marked {@code
 * "backfill": true} for each match. The facts are those the job uses: the stored aggregate, the
 * customer's latest message in the transcript, and whether the customer has been waiting since it
 * (as of now). No cooldown applies: one alert per conversation and run. Alert ids are derived from
 * (rule, conversation, {@code backfill:<epoch>:<version>}), so a second run over unchanged
 * conversations raises the same ids, which readers keep once.
 *
 * <p>One call checks at most {@code limit} conversations and says where to go on.
 */
public final class Backfill {

    /** Where the alerts go ({@code support.alerts}). */
    public interface AlertSink {
        void send(Alert alert) throws Exception;
    }

    /**
     * What one call did.
     *
     * @param checked conversations evaluated
     * @param raised alerts raised
     * @param nextCursor where the next call goes on, or null when done
     */
    public record Result(int checked, int raised, String nextCursor) {}

    public static final int MAX_LIMIT = 10_000;
    private static final int PAGE = ConversationQuery.MAX_LIMIT;

    private final ConversationStore store;
    private final AlertSink sink;
    private final ObjectMapper mapper = Json.newMapper();

    public Backfill(ConversationStore store, AlertSink sink) {
        this.store = store;
        this.sink = sink;
    }

    /**
     * @param from only conversations active at or after (null: all)
     * @param to and before (null: now)
     * @param cursor the previous call's {@code nextCursor}, or null
     */
    public Result run(Rule rule, Instant from, Instant to, Cursor cursor, int limit, Instant now)
            throws Exception {
        int checked = 0;
        int raised = 0;
        Cursor after = cursor;
        while (checked < limit) {
            Page page =
                    store.list(
                            new ConversationQuery(
                                    rule.tenantId(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    from,
                                    to,
                                    Math.min(PAGE, limit - checked),
                                    after,
                                    0));
            for (Summary s : page.items()) {
                checked++;
                if (judge(rule, s.conversationId(), now)) {
                    raised++;
                }
            }
            if (page.nextCursor() == null) {
                return new Result(checked, raised, null);
            }
            after = Cursor.decode(page.nextCursor()).orElseThrow();
        }
        return new Result(checked, raised, after.encode());
    }

    private boolean judge(Rule rule, String conversationId, Instant now) throws Exception {
        String key = ConversationKey.of(rule.tenantId(), conversationId);
        Optional<StoredAggregate> stored = store.aggregate(key);
        if (stored.isEmpty()) {
            return false; // erased since the page was read
        }
        JsonNode aggregate = mapper.readTree(stored.get().json());
        TranscriptEntry last = null;
        TranscriptEntry lastCustomer = null;
        for (TranscriptEntry e : transcript(key)) {
            last = e;
            if (e.sender() == Sender.CUSTOMER) {
                lastCustomer = e;
            }
        }
        Instant waitingSince =
                last != null && last.sender() == Sender.CUSTOMER ? last.timestamp() : null;
        Rule.Facts facts =
                new Rule.Facts(
                        aggregate,
                        lastCustomer == null ? null : lastCustomer.message(),
                        waitingSince,
                        now);
        if (!rule.matches(facts)) {
            return false;
        }
        sink.send(
                new Alert(
                        Alert.id(
                                rule.tenantId(),
                                rule.id(),
                                rule.updatedAt(),
                                conversationId,
                                "backfill:" + stored.get().epoch() + ":" + stored.get().version()),
                        rule.id(),
                        rule.name(),
                        rule.tenantId(),
                        conversationId,
                        rule.severity(),
                        now,
                        stored.get().version(),
                        stored.get().epoch(),
                        aggregate.path("message_count").asLong(),
                        Alert.TRIGGER_BACKFILL,
                        true,
                        rule.webhooks()));
        return true;
    }

    /** The stored transcript, oldest first. */
    private List<TranscriptEntry> transcript(String key) {
        return store.transcript(key).stream()
                .map(this::entry)
                .filter(e -> e != null)
                .sorted(Comparator.comparingLong(TranscriptEntry::seq))
                .toList();
    }

    private TranscriptEntry entry(TranscriptSlot slot) {
        try {
            return mapper.readValue(slot.json(), TranscriptEntry.class);
        } catch (IOException e) {
            return null;
        }
    }
}
