package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.signalstream.api.store.LuceneConversationStore;
import io.signalstream.api.stream.Fanout;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The server's own bounds, on a real socket: open connections are capped, and WebSocket sessions
 * hold no request permit (a handful of idle streams cannot lock out every HTTP request).
 */
@ServerTest
class ServerLimitsTest {

    private static final String KEY = "limits-key";
    private static final int MAX_CONNECTIONS = 4;
    private static final Path DIR = TestDirs.create("limits-store");
    private static final LuceneConversationStore STORE =
            LuceneConversationStore.open(LuceneConversationStore.Settings.defaults(DIR));
    private static final Fanout FANOUT = new Fanout(Fanout.Limits.DEFAULTS);

    private final int port;

    ServerLimitsTest(WebServer server) {
        this.port = server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        server.maxConcurrentRequests(1).maxTcpConnections(MAX_CONNECTIONS);
        ApiSettings settings = ApiSettings.local("unused:9092", ApiKeys.parse(KEY + "=acme"), DIR);
        QueryApi.setup(
                server, TestParts.of(settings, m -> {}, STORE, FANOUT, List::of, new ApiMetrics()));
    }

    @AfterAll
    static void close() {
        FANOUT.close();
        STORE.close();
    }

    /** One request on its own connection; the status line, or a timeout when never served. */
    private String statusLine(Duration timeout) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream()
                    .write(
                            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII);
        }
    }

    /**
     * Opens a stream. The server runs a session's {@code onOpen} under a request permit right after
     * it has answered 101, so with one permit the next handshake may still meet the previous
     * session's and be answered 503; such a handshake is tried again. A stream that kept its permit
     * once open would refuse every later handshake and fail the deadline.
     */
    private WebSocket openStream(HttpClient http) {
        return await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () ->
                                http.newWebSocketBuilder()
                                        .subprotocols("bearer", KEY)
                                        .buildAsync(
                                                URI.create(
                                                        "ws://127.0.0.1:"
                                                                + port
                                                                + "/ws/conversations"),
                                                new WebSocket.Listener() {})
                                        .get(5, TimeUnit.SECONDS),
                        Objects::nonNull);
    }

    @Test
    void connectionsOverTheCapWaitAndStreamsHoldNoRequestPermit() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> streams = new ArrayList<>();
        List<Socket> idle = new ArrayList<>();
        try {
            // Two idle streams: with one request permit, a stream holding it would lock out HTTP.
            for (int i = 0; i < 2; i++) {
                streams.add(openStream(http));
            }
            // Served within the deadline, or the open streams hold the only permit.
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> statusLine(Duration.ofSeconds(2)), "HTTP/1.1 200"::equals);

            // The other two connections up to the cap, held open without a request.
            for (int i = 0; i < MAX_CONNECTIONS - streams.size(); i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                idle.add(s);
            }
            String overCap;
            try {
                overCap = statusLine(Duration.ofMillis(1_500));
            } catch (SocketTimeoutException e) {
                overCap = "not served";
            }
            assertThat(overCap).isIn("not served", "");

            idle.remove(0).close();
            assertThat(statusLine(Duration.ofSeconds(10))).isEqualTo("HTTP/1.1 200");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
            for (WebSocket ws : streams) {
                ws.abort();
            }
        }
        HttpResponse<String> after =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(200);
    }
}
