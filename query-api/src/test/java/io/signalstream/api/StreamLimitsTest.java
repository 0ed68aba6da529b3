package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.signalstream.api.store.Fixtures;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** WebSocket streams on a real server and socket, without a broker: the caps and the snapshot. */
@ServerTest
class StreamLimitsTest {

    private static final String ACME = "acme-ws-key";
    private static final String GLOBEX = "globex-ws-key";
    private static final Path DIR = TestDirs.create("stream-store");
    private static final LuceneConversationStore STORE =
            LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(DIR));
    private static final Fanout FANOUT =
            new Fanout(new Fanout.Limits(2, 1, 16, Duration.ofSeconds(5)));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    StreamLimitsTest(WebServer server) {
        this.port = server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        ApiSettings settings =
                ApiSettings.local(
                        "unused:9092", ApiKeys.parse(ACME + "=acme," + GLOBEX + "=globex"), DIR);
        STORE.putAggregate(Fixtures.stored(Fixtures.aggregate("acme", "c1", 2)));
        STORE.flush();
        QueryApi.setup(
                server, TestParts.of(settings, m -> {}, STORE, FANOUT, List::of, new ApiMetrics()));
    }

    @AfterAll
    static void close() {
        FANOUT.close();
        STORE.close();
    }

    /** What one client saw: text frames, and the close code and reason. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closes.add(code + " " + reason);
            return null;
        }
    }

    private WebSocket open(String path, String key, Client client) throws Exception {
        return HTTP.newWebSocketBuilder()
                .subprotocols("bearer", key)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSessionOverTheTenantsCapIsRefusedWithTheReason() throws Exception {
        Client first = new Client();
        WebSocket ws = open("/ws/conversations/c1/stream", ACME, first);
        try {
            assertThat(first.texts.poll(10, TimeUnit.SECONDS))
                    .startsWith("{\"type\":\"intelligence_update\",\"data\":{")
                    .contains("\"version\":2000");

            Client second = new Client();
            open("/ws/conversations", ACME, second);
            assertThat(second.closes.poll(10, TimeUnit.SECONDS))
                    .isEqualTo("1013 this tenant has 1 streams open, its limit");

            // Another tenant still has room under the total cap of two.
            Client other = new Client();
            WebSocket globex = open("/ws/conversations", GLOBEX, other);
            await().atMost(Duration.ofSeconds(10)).until(() -> FANOUT.sessions() == 2);
            Client third = new Client();
            open("/ws/conversations", GLOBEX, third);
            assertThat(third.closes.poll(10, TimeUnit.SECONDS)).startsWith("1013 ");
            globex.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }
}
