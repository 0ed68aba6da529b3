package io.signalstream.api;

import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.ConversationStore;
import io.signalstream.api.store.StoreWriter;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.ConversationErasure;
import io.signalstream.model.SupportMessage;
import java.util.List;
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
        MessageLog log =
                new MessageLog() {
                    @Override
                    public void write(SupportMessage message) {
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
                settings, log, store, (StoreWriter) store, fanout, readiness, metrics);
    }
}
