package io.signalstream.api.store;

import static io.signalstream.api.store.Fixtures.aggregate;
import static io.signalstream.api.store.Fixtures.slot;
import static io.signalstream.api.store.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.signalstream.model.Intent;
import io.signalstream.model.Operations;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneConversationStoreTest {

    @TempDir Path temp;
    private Path dir;
    private LuceneConversationStore store;

    @BeforeEach
    void open() {
        dir = temp.resolve("store");
        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ConversationQuery query(String tenant, int limit) {
        return ConversationQuery.all(tenant, limit);
    }

    private static ConversationQuery search(String tenant, String text) {
        return new ConversationQuery(
                tenant, text, null, null, null, null, null, null, 100, null, 0);
    }

    private List<String> ids(ConversationQuery q) {
        return store.list(q).items().stream().map(Summary::conversationId).toList();
    }

    @Test
    void theHighestVersionWinsBeforeAndAfterAFlush() {
        assertThat(store.putAggregate(stored(aggregate("acme", "c1", 2)))).isTrue();
        assertThat(store.putAggregate(stored(aggregate("acme", "c1", 1)))).isFalse();
        assertThat(store.aggregate("acme/c1"))
                .get()
                .extracting(StoredAggregate::version)
                .isEqualTo(2000L);

        store.flush();
        assertThat(store.putAggregate(stored(aggregate("acme", "c1", 1)))).isFalse();
        assertThat(store.aggregate("acme/c1"))
                .get()
                .extracting(StoredAggregate::version)
                .isEqualTo(2000L);
        assertThat(store.putAggregate(stored(aggregate("acme", "c1", 3)))).isTrue();
        assertThat(store.aggregate("acme/c1"))
                .get()
                .extracting(StoredAggregate::version)
                .isEqualTo(3000L);
        store.flush();
        assertThat(store.aggregate("acme/c1"))
                .get()
                .extracting(StoredAggregate::version)
                .isEqualTo(3000L);
        assertThat(store.aggregate("globex/c1")).isEmpty();
    }

    @Test
    void aReplayedVersionIsRefusedOverManyFlushesEachConversationByItsNewestDocument() {
        // every flush changes the index's segments (and may merge them): the lookup must follow
        // the newest searcher, never answer from one it read before
        store.putAggregate(stored(aggregate("acme", "once", 1)));
        for (int version = 1; version <= 3; version++) {
            for (int i = 0; i < 20; i++) {
                assertThat(store.putAggregate(stored(aggregate("acme", "c" + i, version))))
                        .as("version %d of c%d is new", version, i)
                        .isTrue();
            }
            store.flush();
            for (int i = 0; i < 20; i++) {
                assertThat(store.putAggregate(stored(aggregate("acme", "c" + i, version))))
                        .as("version %d of c%d again", version, i)
                        .isFalse();
                assertThat(store.version("acme/c" + i)).isEqualTo(version * 1000L);
            }
        }
        assertThat(store.version("acme/once")).isEqualTo(1000L);
        assertThat(store.version("acme/none")).isEqualTo(-1);
    }

    @Test
    void theVersionLookupHoldsNoIndexPastARefresh() {
        store.putAggregate(stored(aggregate("acme", "c1", 1)));
        store.flush();
        assertThat(store.putAggregate(stored(aggregate("acme", "c1", 1)))).isFalse();
        assertThat(store.orderLookupHoldsSearcher()).isTrue();

        store.putAggregate(stored(aggregate("acme", "c2", 1)));
        store.flush(); // a refresh: the index the lookup held is given back

        assertThat(store.orderLookupHoldsSearcher()).isFalse();
        assertThat(store.putAggregate(stored(aggregate("acme", "c2", 1)))).isFalse();
        assertThat(store.orderLookupHoldsSearcher()).isTrue();
    }

    @Test
    void aLaterEpochWinsOverAHigherVersionBeforeAndAfterAFlush() {
        // A long first life, then a replay (or an expiry the API did not see) starts again at 1000
        StoredAggregate first = stored(aggregate("acme", "c1", 9));
        StoredAggregate again =
                new StoredAggregate(first.key(), 1_767_000_000_000L, 1000, first.json());
        StoredAggregate stale = new StoredAggregate(first.key(), 0, 9001, first.json());
        assertThat(store.putAggregate(first)).isTrue();
        assertThat(store.putAggregate(again)).isTrue();
        assertThat(store.putAggregate(stale)).isFalse();
        assertThat(store.aggregate("acme/c1"))
                .get()
                .extracting(StoredAggregate::epoch, StoredAggregate::version)
                .containsExactly(1_767_000_000_000L, 1000L);

        store.flush();
        assertThat(store.putAggregate(stale)).isFalse();
        assertThat(store.aggregate("acme/c1"))
                .get()
                .extracting(StoredAggregate::epoch, StoredAggregate::version, StoredAggregate::etag)
                .containsExactly(1_767_000_000_000L, 1000L, "\"1767000000000-1000\"");
        assertThat(store.list(query("acme", 10)).items())
                .singleElement()
                .extracting(Summary::epoch, Summary::version)
                .containsExactly(1_767_000_000_000L, 1000L);
        assertThat(
                        store.putAggregate(
                                new StoredAggregate(
                                        first.key(), 1_767_000_000_000L, 2000, first.json())))
                .isTrue();
    }

    @Test
    void theStoredBytesAreServedAsWritten() {
        StoredAggregate a = stored(aggregate("acme", "bytes", 4));
        store.putAggregate(a);
        store.flush();
        assertThat(store.aggregate("acme/bytes").orElseThrow().json()).isEqualTo(a.json());
    }

    @Test
    void pagesByCursorCoverEveryConversationOnceNewestFirst() {
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            store.putAggregate(stored(aggregate("acme", "c" + i, i)));
            store.putAggregate(stored(aggregate("globex", "g" + i, i)));
            expected.add(0, "c" + i);
        }
        store.flush();

        List<String> seen = new ArrayList<>();
        Cursor cursor = null;
        int pages = 0;
        do {
            Page page =
                    store.list(
                            new ConversationQuery(
                                    "acme", null, null, null, null, null, null, null, 17, cursor,
                                    0));
            assertThat(page.total()).isEqualTo(250);
            assertThat(page.totalExact()).isTrue();
            page.items().forEach(s -> seen.add(s.conversationId()));
            cursor =
                    page.nextCursor() == null
                            ? null
                            : Cursor.decode(page.nextCursor()).orElseThrow();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(15);
    }

    @Test
    void offsetsStillWork() {
        for (int i = 1; i <= 5; i++) {
            store.putAggregate(stored(aggregate("acme", "c" + i, i)));
        }
        store.flush();
        ConversationQuery second =
                new ConversationQuery("acme", null, null, null, null, null, null, null, 2, null, 2);
        assertThat(ids(second)).containsExactly("c3", "c2");
    }

    @Test
    void waitingCustomersAreFoundWithSinceWhenTheyWait() {
        Instant since = Fixtures.T0.minusSeconds(600);
        waitsSince("waits", 3, since);
        store.putAggregate(stored(aggregate("acme", "answered", 3)));
        store.flush();
        ConversationQuery waiting =
                new ConversationQuery(
                        "acme", null, null, null, null, null, null, null, 10, null, 0, true, false);
        assertThat(store.list(waiting).items())
                .extracting(Summary::conversationId, Summary::waitingSince)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("waits", since));
        ConversationQuery notWaiting =
                new ConversationQuery(
                        "acme", null, null, null, null, null, null, null, 10, null, 0, false,
                        false);
        assertThat(ids(notWaiting)).containsExactly("answered");
    }

    private void waitsSince(String conversation, long version, Instant since) {
        store.putAggregate(
                stored(
                        aggregate("acme", conversation, version)
                                .withOperations(
                                        new Operations(
                                                Fixtures.T0,
                                                Fixtures.T0,
                                                0,
                                                null,
                                                null,
                                                0,
                                                since,
                                                1,
                                                null,
                                                "low"))));
    }

    @Test
    void theLongestWaitingComeFirstAcrossEveryConversationPageByPage() {
        // Activity order and waiting order differ: the longest waiting had the latest activity.
        for (int i = 0; i < 5; i++) {
            waitsSince("w" + i, 10 - i, Fixtures.T0.minusSeconds(100L * (5 - i)));
        }
        store.putAggregate(stored(aggregate("acme", "answered", 20)));
        store.flush();
        ConversationQuery first =
                new ConversationQuery(
                        "acme", null, null, null, null, null, null, null, 2, null, 0, null, true);
        Page one = store.list(first);
        assertThat(one.items()).extracting(Summary::conversationId).containsExactly("w0", "w1");
        Cursor cursor = Cursor.decode(one.nextCursor()).orElseThrow();
        assertThat(cursor.waiting()).isTrue();
        Page two =
                store.list(
                        new ConversationQuery(
                                "acme", null, null, null, null, null, null, null, 2, cursor, 0,
                                null, true));
        assertThat(two.items()).extracting(Summary::conversationId).containsExactly("w2", "w3");
        assertThat(one.total()).isEqualTo(5);

        assertThatThrownBy(
                        () ->
                                new ConversationQuery(
                                        "acme", null, null, null, null, null, null, null, 2, cursor,
                                        0, null, false))
                .hasMessageContaining("another order");
        assertThatThrownBy(
                        () ->
                                new ConversationQuery(
                                        "acme", null, null, null, null, null, null, null, 2, null,
                                        0, false, true))
                .hasMessageContaining("waiting conversations only");
    }

    @Test
    void aPageInAnotherOrderThanTheIndexReadsEachLinesOwnColumns() {
        // The longest waiting had the earliest activity: the page runs against the index's order.
        for (int i = 0; i < 4; i++) {
            waitsSince("r" + i, 1 + i, Fixtures.T0.minusSeconds(100L * (4 - i)));
        }
        store.flush();
        ConversationQuery longestWaiting =
                new ConversationQuery(
                        "acme", null, null, null, null, null, null, null, 4, null, 0, null, true);
        assertThat(store.list(longestWaiting).items())
                .extracting(Summary::conversationId, Summary::version, Summary::waitingSince)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "r0", 1000L, Fixtures.T0.minusSeconds(400)),
                        org.assertj.core.groups.Tuple.tuple(
                                "r1", 2000L, Fixtures.T0.minusSeconds(300)),
                        org.assertj.core.groups.Tuple.tuple(
                                "r2", 3000L, Fixtures.T0.minusSeconds(200)),
                        org.assertj.core.groups.Tuple.tuple(
                                "r3", 4000L, Fixtures.T0.minusSeconds(100)));
    }

    @Test
    void aListLineCarriesTheColumnsOfTheAggregate() {
        store.putAggregate(
                stored(
                        aggregate(
                                "acme",
                                "line",
                                7,
                                Intent.REFUND_REQUEST,
                                SentimentLabel.NEGATIVE,
                                Urgency.CRITICAL,
                                true,
                                "wants money back")));
        store.flush();
        Summary s = store.list(query("acme", 10)).items().get(0);
        assertThat(s)
                .isEqualTo(
                        new Summary(
                                "line",
                                7,
                                7000,
                                0,
                                Fixtures.T0.plusSeconds(7),
                                "negative",
                                -0.5,
                                "critical",
                                "refund_request",
                                true,
                                null));
    }

    @Test
    void filtersNarrowTheListAndCombine() {
        store.putAggregate(
                stored(
                        aggregate(
                                "acme",
                                "refund",
                                1,
                                Intent.REFUND_REQUEST,
                                SentimentLabel.NEGATIVE,
                                Urgency.HIGH,
                                true,
                                "a")));
        store.putAggregate(
                stored(
                        aggregate(
                                "acme",
                                "praise",
                                2,
                                Intent.FEEDBACK_PRAISE,
                                SentimentLabel.POSITIVE,
                                Urgency.LOW,
                                false,
                                "b")));
        store.putAggregate(
                stored(
                        aggregate(
                                "acme",
                                "billing",
                                3,
                                Intent.BILLING,
                                SentimentLabel.NEGATIVE,
                                Urgency.HIGH,
                                false,
                                "c")));
        store.flush();

        assertThat(ids(filter("refund_request", null, null, null, null, null)))
                .containsExactly("refund");
        assertThat(ids(filter(null, "negative", null, null, null, null)))
                .containsExactly("billing", "refund");
        assertThat(ids(filter(null, "negative", "high", false, null, null)))
                .containsExactly("billing");
        assertThat(ids(filter(null, null, null, true, null, null))).containsExactly("refund");
        Instant t = Fixtures.T0;
        assertThat(ids(filter(null, null, null, null, t.plusSeconds(2), null)))
                .containsExactly("billing", "praise");
        assertThat(ids(filter(null, null, null, null, t.plusSeconds(2), t.plusSeconds(3))))
                .containsExactly("praise");
        assertThat(ids(filter("billing", "positive", null, null, null, null))).isEmpty();
    }

    private static ConversationQuery filter(
            String intent,
            String sentiment,
            String urgency,
            Boolean escalation,
            Instant from,
            Instant to) {
        return new ConversationQuery(
                "acme", null, intent, sentiment, urgency, escalation, from, to, 100, null, 0);
    }

    @Test
    void searchFindsWordsOfTheTranscriptAndTheSummary() {
        store.putAggregate(
                stored(
                        aggregate(
                                "acme",
                                "late",
                                2,
                                Intent.SHIPPING_DELIVERY,
                                SentimentLabel.NEGATIVE,
                                Urgency.HIGH,
                                false,
                                "Parcel stuck in customs")));
        store.putSlot("acme/late", slot("acme", "late", 1, 20, "Where are my headphones?"));
        store.putSlot("acme/late", slot("acme", "late", 2, 20, "They left the café depot"));
        store.putAggregate(
                stored(
                        aggregate(
                                "acme",
                                "pwd",
                                1,
                                Intent.ACCOUNT_ACCESS,
                                SentimentLabel.NEUTRAL,
                                Urgency.LOW,
                                false,
                                "Password reset")));
        store.putSlot("acme/pwd", slot("acme", "pwd", 1, 20, "I cannot log in to my account"));
        store.putAggregate(
                stored(
                        aggregate(
                                "globex",
                                "late",
                                1,
                                Intent.SHIPPING_DELIVERY,
                                SentimentLabel.NEGATIVE,
                                Urgency.HIGH,
                                false,
                                "customs too")));
        store.flush();

        assertThat(ids(search("acme", "headphones"))).containsExactly("late");
        assertThat(ids(search("acme", "customs"))).containsExactly("late");
        assertThat(ids(search("acme", "headphone"))).as("plural folded").containsExactly("late");
        assertThat(ids(search("acme", "cafe"))).as("accent folded").containsExactly("late");
        assertThat(ids(search("acme", "\"log in\""))).containsExactly("pwd");
        assertThat(ids(search("acme", "\"in log\""))).isEmpty();
        assertThat(ids(search("acme", "pass*"))).containsExactly("pwd");
        assertThat(ids(search("acme", "account -password"))).isEmpty();
        assertThat(ids(search("acme", "headphones | password"))).containsExactly("late", "pwd");
        assertThat(ids(search("acme", "headphones password"))).as("all terms").isEmpty();
        assertThat(ids(search("acme", "pwd"))).as("by id").containsExactly("pwd");
        assertThat(ids(search("acme", "\"headphones they\"")))
                .as("a phrase stays in one message")
                .isEmpty();
        assertThat(ids(search("acme", "headphones depot")))
                .as("across messages")
                .containsExactly("late");
        assertThat(ids(search("acme", "depot customs")))
                .as("message and summary")
                .containsExactly("late");
        assertThat(ids(search("globex", "headphones"))).as("another tenant's messages").isEmpty();
        assertThat(ids(search("acme", "headphones -cafe"))).isEmpty();
        assertThat(ids(search("acme", "!!!"))).isEmpty();
    }

    @Test
    void anAggregateIsReadFromTheIndexWithoutItsTranscriptAndNotInventedForATranscriptAlone() {
        StoredAggregate a = stored(aggregate("acme", "both", 2));
        store.putSlot("acme/both", slot("acme", "both", 1, 20, "before the aggregate"));
        store.putAggregate(a);
        store.putSlot("acme/both", slot("acme", "both", 2, 20, "after the aggregate"));
        store.putSlot("acme/lines", slot("acme", "lines", 1, 20, "a transcript, no aggregate"));
        store.flush();
        assertThat(store.aggregate("acme/both").orElseThrow())
                .extracting(StoredAggregate::version, StoredAggregate::json)
                .containsExactly(a.version(), a.json());
        assertThat(texts("acme/both"))
                .containsExactly("before the aggregate", "after the aggregate");
        assertThat(store.aggregate("acme/lines")).isEmpty();
        assertThat(texts("acme/lines")).containsExactly("a transcript, no aggregate");
    }

    @Test
    void theTranscriptKeepsTheNewestMessageOfEachSlotInOrder() {
        store.putSlot("acme/t", slot("acme", "t", 1, 2, "first"));
        store.putSlot("acme/t", slot("acme", "t", 2, 2, "second"));
        store.flush();
        store.putSlot("acme/t", slot("acme", "t", 3, 2, "third"));
        store.putSlot("acme/t", slot("acme", "t", 1, 2, "first again, replayed"));
        assertThat(texts("acme/t")).containsExactly("second", "third");
        store.flush();
        store.putSlot("acme/t", slot("acme", "t", 1, 2, "first again, replayed"));
        store.flush();
        assertThat(texts("acme/t")).containsExactly("second", "third");
        assertThat(store.transcript("globex/t")).isEmpty();
    }

    private List<String> texts(String key) {
        return store.transcript(key).stream()
                .map(s -> new String(s.json(), StandardCharsets.UTF_8))
                .map(json -> json.replaceAll(".*\"message\":\"([^\"]*)\".*", "$1"))
                .toList();
    }

    @Test
    void keysWithoutATenantAreKeptAndNeverStopTheStore() {
        store.putSlot("stray", slot("acme", "stray", 1, 20, "no tenant in its key"));
        store.putAggregate(
                new StoredAggregate("loose", 1, stored(aggregate("acme", "loose", 1)).json()));
        store.putAggregate(stored(aggregate("acme", "fine", 1)));
        store.flush();
        assertThat(ids(query("acme", 10))).containsExactly("fine");
        assertThat(texts("stray")).containsExactly("no tenant in its key");
        assertThat(store.aggregate("loose")).isPresent();
        assertThat(store.pendingConversations()).isZero();
    }

    @Test
    void aRemovedConversationIsGoneEverywhere() {
        store.putAggregate(stored(aggregate("acme", "gone", 1)));
        store.putSlot("acme/gone", slot("acme", "gone", 1, 2, "bye"));
        store.putAggregate(stored(aggregate("acme", "kept", 1)));
        store.flush();

        store.deleteConversation("acme/gone");
        assertThat(store.aggregate("acme/gone")).isEmpty();
        assertThat(store.transcript("acme/gone")).isEmpty();
        store.deleteSlot("acme/gone", "0");
        store.flush();
        assertThat(store.aggregate("acme/gone")).isEmpty();
        assertThat(store.transcript("acme/gone")).isEmpty();
        assertThat(ids(query("acme", 10))).containsExactly("kept");
        assertThat(ids(search("acme", "bye"))).isEmpty();
        assertThat(store.conversations()).isEqualTo(1);

        // Written again after its removal, it is back as new.
        assertThat(store.putAggregate(stored(aggregate("acme", "gone", 1)))).isTrue();
    }

    @Test
    void slotsRemovedOneByOneLeaveNothingBehind() {
        store.putSlot("acme/s", slot("acme", "s", 1, 2, "one"));
        store.putSlot("acme/s", slot("acme", "s", 2, 2, "two"));
        store.flush();
        store.deleteSlot("acme/s", "0");
        assertThat(texts("acme/s")).containsExactly("two");
        store.deleteSlot("acme/s", "1");
        store.flush();
        assertThat(store.transcript("acme/s")).isEmpty();
    }

    @Test
    void aConversationWrittenOverManyFlushesIsFoundByEveryWordItHolds() {
        store.putSlot("acme/long", slot("acme", "long", 1, 3, "my toaster sparks"));
        store.flush();
        store.putAggregate(stored(aggregate("acme", "long", 2)));
        store.putSlot("acme/long", slot("acme", "long", 2, 3, "the kettle leaks"));
        store.flush();
        store.putSlot("acme/long", slot("acme", "long", 3, 3, "and the blender hums"));
        store.flush();
        assertThat(ids(search("acme", "toaster kettle blender"))).containsExactly("long");
        // written again without a newer aggregate: the one before stays, bytes and all
        assertThat(store.aggregate("acme/long"))
                .hasValueSatisfying(
                        a ->
                                assertThat(a.json())
                                        .isEqualTo(stored(aggregate("acme", "long", 2)).json()));
        // messages written in earlier flushes are still found by phrase and folded word
        assertThat(ids(search("acme", "\"kettle leaks\""))).containsExactly("long");
        assertThat(ids(search("acme", "\"leaks kettle\""))).isEmpty();
        assertThat(ids(search("acme", "toasters"))).as("plural folded").containsExactly("long");

        // Written again after a reopen, when nothing of it is known but the index.
        store.close();
        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
        store.putSlot("acme/long", slot("acme", "long", 4, 3, "now the fridge too"));
        store.flush();
        assertThat(ids(search("acme", "kettle blender fridge"))).containsExactly("long");
        assertThat(ids(search("acme", "toaster"))).as("its slot was taken by message 4").isEmpty();
        assertThat(texts("acme/long"))
                .containsExactly("the kettle leaks", "and the blender hums", "now the fridge too");

        // Removed and written anew: nothing of the old life is found.
        store.deleteConversation("acme/long");
        store.flush();
        store.putAggregate(stored(aggregate("acme", "long", 1)));
        store.putSlot("acme/long", slot("acme", "long", 1, 3, "a fresh start"));
        store.flush();
        assertThat(ids(search("acme", "kettle"))).isEmpty();
        assertThat(ids(search("acme", "fresh"))).containsExactly("long");
    }

    @Test
    void aReopenedStoreHasItsDataAndTheReadPositions() {
        store.reset("cluster-1|agg|transcript");
        store.putAggregate(stored(aggregate("acme", "kept", 3)));
        store.putSlot("acme/kept", slot("acme", "kept", 3, 20, "still here"));
        store.position("support.ai.aggregated-0", 42);
        store.close();

        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
        assertThat(store.source()).isEqualTo("cluster-1|agg|transcript");
        assertThat(store.positions()).isEqualTo(Map.of("support.ai.aggregated-0", 42L));
        assertThat(store.aggregate("acme/kept")).isPresent();
        assertThat(store.transcript("acme/kept")).hasSize(1);
        assertThat(ids(search("acme", "still"))).containsExactly("kept");

        store.reset("cluster-2|agg|transcript");
        assertThat(store.positions()).isEmpty();
        assertThat(store.aggregate("acme/kept")).isEmpty();
    }

    @Test
    void aStoreOfAnEarlierLayoutIsReadFromTheTopicsAgain() throws Exception {
        store.reset("cluster-1|agg|transcript");
        store.putAggregate(stored(aggregate("acme", "old", 3)));
        store.putSlot("acme/old", slot("acme", "old", 3, 20, "written before"));
        store.position("support.ai.aggregated-0", 42);
        store.close();
        // The commit an earlier version wrote: its source and positions, no layout.
        try (Directory d = FSDirectory.open(dir);
                IndexWriter w =
                        new IndexWriter(
                                d,
                                new IndexWriterConfig()
                                        .setIndexSort(LuceneConversationStore.SORT)
                                        .setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            w.setLiveCommitData(
                    Map.of(
                                    "source",
                                    "cluster-1|agg|transcript",
                                    "position:support.ai.aggregated-0",
                                    "42")
                            .entrySet());
            w.commit();
        }

        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
        // No source and no positions: the feed empties it and reads every topic from the start.
        assertThat(store.source()).isNull();
        assertThat(store.positions()).isEmpty();
        store.reset("cluster-1|agg|transcript");
        assertThat(store.aggregate("acme/old")).isEmpty();
        assertThat(store.transcript("acme/old")).isEmpty();
        store.close();

        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
        assertThat(store.source())
                .as("its own layout is kept")
                .isEqualTo("cluster-1|agg|transcript");
    }

    @Test
    void aWriteShowsInListsWithinTheRefreshIntervalAndByKeyAtOnce() {
        store.close();
        store =
                LuceneConversationStore.open(
                        LuceneConversationStore.Settings.defaults(dir)
                                .withRefreshInterval(Duration.ofMillis(100)));
        try (LuceneConversationStore hourly =
                LuceneConversationStore.open(
                        LuceneConversationStore.Settings.defaults(temp.resolve("hourly"))
                                .withRefreshInterval(Duration.ofHours(1)))) {
            for (LuceneConversationStore s : List.of(store, hourly)) {
                s.putAggregate(stored(aggregate("acme", "c1", 1)));
                assertThat(s.aggregate("acme/c1")).isPresent();
            }
            // Three refreshes of the one store, one after the other: were the intervals ignored
            // (one for both), the hourly store would have refreshed meanwhile too.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ids(query("acme", 10)).equals(List.of("c1")));
            for (String id : List.of("c2", "c3")) {
                store.putAggregate(stored(aggregate("acme", id, 1)));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> ids(query("acme", 10)).contains(id));
            }
            assertThat(hourly.list(query("acme", 10)).items()).isEmpty();
            assertThat(hourly.pendingConversations()).isEqualTo(1);
        }
    }

    @Test
    void writesNotYetFlushedStayWithinTheBound() {
        store.close();
        store =
                LuceneConversationStore.open(
                        new LuceneConversationStore.Settings(
                                dir, Duration.ofHours(1), Duration.ofHours(1), 100, 1L << 30, 16));
        int most = 0;
        for (int i = 0; i < 1_000; i++) {
            store.putAggregate(stored(aggregate("acme", "c" + i, 1)));
            store.awaitRoom();
            most = Math.max(most, store.pendingConversations());
        }
        assertThat(most).isEqualTo(99);
        store.flush();
        assertThat(store.conversations()).isEqualTo(1_000);
    }

    @Test
    void anUnreadableStoreIsSetAsideAndStartedEmpty() throws Exception {
        store.putAggregate(stored(aggregate("acme", "c", 1)));
        store.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("segments")) {
                    Files.write(f, "not an index".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        store = LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(dir));
        assertThat(store.aggregate("acme/c")).isEmpty();
        assertThat(store.source()).isNull();
        try (var siblings = Files.list(dir.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(dir.getFileName() + ".unreadable-"));
        }
    }

    @Test
    void cursorsAreOpaqueAndOnlyOursAreAccepted() {
        Cursor c = new Cursor(1234, "acme/c:1");
        assertThat(c.encode()).doesNotContain("acme");
        assertThat(Cursor.decode(c.encode())).contains(c);
        assertThat(Cursor.decode("not-a-cursor")).isEmpty();
        assertThat(Cursor.decode("")).isEmpty();
        assertThat(Cursor.decode("%%%")).isEmpty();
    }
}
