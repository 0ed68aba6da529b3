package io.signalstream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.alerts.AlertFeed;
import io.signalstream.api.alerts.RecentAlerts;
import io.signalstream.api.analytics.AnalyticsFeed;
import io.signalstream.api.analytics.AnalyticsStore;
import io.signalstream.api.book.TenantBook;
import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.ConversationStore;
import io.signalstream.api.store.StoreWriter;
import io.signalstream.api.stream.Fanout;
import io.signalstream.api.webhooks.DeliveryLog;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.Json;
import io.signalstream.model.SupportMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The API's parts for tests without a broker: a message log that hands messages to a consumer. */
final class TestParts {

    /** Every erasure asked of the message logs these parts made. */
    static final List<ConversationErasure> ERASURES = new CopyOnWriteArrayList<>();

    private TestParts() {}

    static QueryApi.Parts of(
            ApiSettings settings,
            Consumer<SupportMessage> written,
            ConversationStore store,
            Fanout fanout,
            Supplier<List<TopicFeed.ViewStatus>> views,
            ApiMetrics metrics) {
        return of(
                settings,
                written,
                store,
                fanout,
                views,
                metrics,
                new AlertFeed(new RecentAlerts(), new Fanout(Fanout.Limits.DEFAULTS)));
    }

    /** The same, with the alert feed a test fills itself. */
    static QueryApi.Parts of(
            ApiSettings settings,
            Consumer<SupportMessage> written,
            ConversationStore store,
            Fanout fanout,
            Supplier<List<TopicFeed.ViewStatus>> views,
            ApiMetrics metrics,
            AlertFeed alerts) {
        AnalyticsFeed analytics;
        try {
            analytics =
                    new AnalyticsFeed(
                            AnalyticsStore.open(Files.createTempDirectory("analytics-")),
                            new Fanout(Fanout.Limits.DEFAULTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(settings, written, store, fanout, views, metrics, alerts, analytics);
    }

    /** The same, with the alert and analytics feeds a test fills itself. */
    static QueryApi.Parts of(
            ApiSettings settings,
            Consumer<SupportMessage> written,
            ConversationStore store,
            Fanout fanout,
            Supplier<List<TopicFeed.ViewStatus>> views,
            ApiMetrics metrics,
            AlertFeed alerts,
            AnalyticsFeed analytics) {
        MessageLog log =
                new MessageLog() {
                    @Override
                    public void write(SupportMessage message, String traceparent) {
                        written.accept(message);
                    }

                    @Override
                    public void erase(ConversationErasure erasure) {
                        ERASURES.add(erasure);
                    }

                    @Override
                    public void close() {}
                };
        Readiness readiness =
                new Readiness() {
                    @Override
                    public boolean kafkaReachable() {
                        return true;
                    }

                    @Override
                    public List<TopicFeed.ViewStatus> views() {
                        return views.get();
                    }
                };
        return new QueryApi.Parts(
                settings,
                log,
                store,
                (StoreWriter) store,
                fanout,
                readiness,
                metrics,
                new Book(TenantBook.RULES_PER_TENANT),
                new Book(TenantBook.WEBHOOKS_PER_TENANT),
                alerts,
                new DeliveryLog(),
                alert -> alerts.accept(Json.newMapper().writeValueAsBytes(alert)),
                analytics,
                io.signalstream.model.Tracing.OFF);
    }

    /** A tenant book in memory, with a limit as the one on Kafka. */
    static final class Book implements TenantBook {
        private final Map<String, Map<String, ObjectNode>> rules = new ConcurrentHashMap<>();
        private final int limit;

        Book(int limit) {
            this.limit = limit;
        }

        @Override
        public int limit() {
            return limit;
        }

        @Override
        public List<ObjectNode> list(String tenant) {
            return new TreeMap<>(rules.getOrDefault(tenant, Map.of())).values().stream().toList();
        }

        @Override
        public Optional<ObjectNode> get(String tenant, String id) {
            return Optional.ofNullable(rules.getOrDefault(tenant, Map.of()).get(id));
        }

        @Override
        public boolean put(String tenant, String id, ObjectNode rule) throws Full {
            Map<String, ObjectNode> own =
                    rules.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
            if (!own.containsKey(id) && own.size() >= limit) {
                throw new Full("A tenant keeps at most " + limit + "; delete one first.");
            }
            return own.put(id, rule) == null;
        }

        @Override
        public boolean delete(String tenant, String id) {
            Map<String, ObjectNode> own = rules.get(tenant);
            return own != null && own.remove(id) != null;
        }

        @Override
        public void close() {}
    }
}
