package io.signalstream.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.api.store.Cursor;
import io.signalstream.api.store.Fixtures;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.model.Alert;
import io.signalstream.model.Intent;
import io.signalstream.model.Json;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import io.signalstream.model.rules.Rule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule applied to stored conversations: the same facts as live, stable ids, pages. */
class BackfillTest {

    @TempDir static Path dir;
    private static LuceneConversationStore store;
    private static final Instant NOW = Fixtures.T0.plusSeconds(3_600);

    @BeforeAll
    static void seed() {
        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
        // angry: escalation, the customer's last word mentions a chargeback and waits
        store.putAggregate(
                Fixtures.stored(
                        Fixtures.aggregate(
                                "acme",
                                "angry",
                                3,
                                Intent.COMPLAINT,
                                SentimentLabel.NEGATIVE,
                                Urgency.HIGH,
                                true,
                                "threatens a chargeback")));
        store.putSlot("acme/angry", Fixtures.slot("acme", "angry", 1, 20, "my parcel is late"));
        store.putSlot("acme/angry", Fixtures.slot("acme", "angry", 2, 20, "let me check"));
        store.putSlot(
                "acme/angry", Fixtures.slot("acme", "angry", 3, 20, "I will file a chargeback"));
        // calm: answered by the agent last
        store.putAggregate(Fixtures.stored(Fixtures.aggregate("acme", "calm", 2)));
        store.putSlot("acme/calm", Fixtures.slot("acme", "calm", 1, 20, "where is my parcel"));
        store.putSlot("acme/calm", Fixtures.slot("acme", "calm", 2, 20, "on its way"));
        for (int i = 0; i < 5; i++) {
            store.putAggregate(Fixtures.stored(Fixtures.aggregate("acme", "plain-" + i, 2)));
        }
        store.putAggregate(Fixtures.stored(Fixtures.aggregate("globex", "theirs", 3)));
        store.putSlot("globex/theirs", Fixtures.slot("globex", "theirs", 1, 20, "chargeback"));
        store.flush();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static Rule rule(String when) throws Exception {
        return Rule.compile(
                Json.newMapper()
                        .readTree(
                                """
                {"id": "r1", "tenant_id": "acme", "updated_at": "2026-12-01T00:00:00Z",
                 "name": "R", "when": %s, "cooldown": "PT10M", "severity": "high",
                 "actions": [{"type": "webhook", "webhook": "ops"}]}"""
                                        .formatted(when)));
    }

    @Test
    void aRuleOverHistoryRaisesBackfillAlertsWithStableIds() throws Exception {
        List<Alert> raised = new ArrayList<>();
        Backfill backfill = new Backfill(store, raised::add);
        Rule chargeback = rule("{\"all\": [{\"text\": {\"matches\": \"chargeback\"}}]}");

        Backfill.Result result = backfill.run(chargeback, null, null, null, 100, NOW);
        assertThat(result.checked()).isEqualTo(7);
        assertThat(result.raised()).isEqualTo(1);
        assertThat(result.nextCursor()).isNull();
        Alert alert = raised.get(0);
        assertThat(alert.conversationId()).isEqualTo("angry");
        assertThat(alert.backfill()).isTrue();
        assertThat(alert.trigger()).isEqualTo(Alert.TRIGGER_BACKFILL);
        assertThat(alert.webhooks()).containsExactly("ops");
        assertThat(alert.aggregateVersion()).isEqualTo(3000);

        // a second run over unchanged conversations raises the same id
        backfill.run(chargeback, null, null, null, 100, NOW.plusSeconds(60));
        assertThat(raised).hasSize(2);
        assertThat(raised.get(1).id()).isEqualTo(alert.id());
    }

    @Test
    void waitingAndFieldsReadTheStoredConversation() throws Exception {
        List<Alert> raised = new ArrayList<>();
        Backfill backfill = new Backfill(store, raised::add);
        backfill.run(rule("{\"all\": [{\"waiting\": \"PT30M\"}]}"), null, null, null, 100, NOW);
        assertThat(raised).extracting(Alert::conversationId).containsExactly("angry");
        raised.clear();
        backfill.run(
                rule(
                        "{\"all\": [{\"field\": \"insights.requires_escalation\", \"op\": \"eq\","
                                + " \"value\": false}]}"),
                null,
                null,
                null,
                100,
                NOW);
        assertThat(raised).hasSize(6).noneMatch(a -> a.conversationId().equals("angry"));
    }

    @Test
    void aLimitEndsTheCallWithACursorToGoOn() throws Exception {
        List<Alert> raised = new ArrayList<>();
        Backfill backfill = new Backfill(store, raised::add);
        Rule any =
                rule("{\"all\": [{\"field\": \"message_count\", \"op\": \"gte\", \"value\": 1}]}");
        Backfill.Result first = backfill.run(any, null, null, null, 3, NOW);
        assertThat(first.checked()).isEqualTo(3);
        assertThat(first.nextCursor()).isNotNull();
        Backfill.Result rest =
                backfill.run(
                        any, null, null, Cursor.decode(first.nextCursor()).orElseThrow(), 100, NOW);
        assertThat(rest.checked()).isEqualTo(4);
        assertThat(rest.nextCursor()).isNull();
        assertThat(raised).extracting(Alert::conversationId).doesNotHaveDuplicates().hasSize(7);
        // and only what was active in the window
        raised.clear();
        backfill.run(any, Fixtures.T0.plusSeconds(3), null, null, 100, NOW);
        assertThat(raised).extracting(Alert::conversationId).containsExactly("angry");
    }
}
