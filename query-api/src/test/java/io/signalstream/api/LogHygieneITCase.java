package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Everything the API logs at INFO and above, from start to stop, while it is called with keys,
 * wrong keys, personal data in messages and broken bodies: no key, no message text and no personal
 * data may appear.
 */
class LogHygieneITCase {

    private static final String KEY = "ss_live_" + "k9Q2mX7vB3nR8tL4wZ6pJ1cF5hD0sA";
    private static final String WRONG_KEY = "ss_guess_" + "aaaaBBBBccccDDDDeeee";
    private static final List<String> SECRETS =
            List.of(
                    KEY,
                    WRONG_KEY,
                    "jane.roe@example.com",
                    "4111 1111 1111 1111",
                    "+1 650 253 0000",
                    "078-05-1120",
                    "my parcel never arrived");

    /** Collects formatted events and their stack traces. */
    static final class Capture extends AbstractAppender {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        Capture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line =
                    new StringBuilder(
                            event.getLevel()
                                    + " "
                                    + event.getLoggerName()
                                    + " "
                                    + event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }
    }

    @Test
    void noKeyMessageTextOrPersonalDataIsLoggedAtInfo() throws Exception {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        Capture capture = new Capture();
        capture.start();
        LoggerConfig root = config.getRootLogger();
        Level before = root.getLevel();
        root.addAppender(capture, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
        HttpClient http = HttpClient.newHttpClient();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            KafkaTopics.ensureAll(kafka.bootstrapServers(), "", 1);
            try (QueryApi api =
                    QueryApi.local(
                                    ApiSettings.local(
                                            kafka.bootstrapServers(),
                                            ApiKeys.parse(KEY + "=acme"),
                                            TestDirs.create("log-store")),
                                    0)
                            .start()) {
                String base = "http://127.0.0.1:" + api.port();
                String text =
                        "my parcel never arrived, mail jane.roe@example.com, card 4111 1111 1111 1111, call +1 650 253 0000, SSN 078-05-1120";
                String good =
                        "{\"conversation_id\":\"c1\",\"sender\":\"customer\",\"channel\":\"chat\",\"message\":\""
                                + text
                                + "\"}";
                for (String[] call :
                        new String[][] {
                            {KEY, good},
                            {WRONG_KEY, good},
                            {KEY, good.replace("\"chat\"", "\"fax\"")},
                            {KEY, "{\"message\":\"" + text + "\""},
                            {KEY, good.replace("customer", "robot")}
                        }) {
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + call[0])
                                    .POST(HttpRequest.BodyPublishers.ofString(call[1]))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                base
                                                        + "/v1/conversations/c1/insights?access_token="
                                                        + KEY))
                                .header("Authorization", "Bearer " + WRONG_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                for (String key : new String[] {KEY, WRONG_KEY}) {
                    try {
                        http.newWebSocketBuilder()
                                .buildAsync(
                                        URI.create(
                                                "ws://127.0.0.1:"
                                                        + api.port()
                                                        + "/ws/conversations?access_token="
                                                        + key),
                                        new WebSocket.Listener() {})
                                .get(10, TimeUnit.SECONDS)
                                .sendClose(WebSocket.NORMAL_CLOSURE, "done")
                                .get(5, TimeUnit.SECONDS);
                    } catch (Exception refused) {
                        // the wrong key is refused: what matters is what the server logged
                    }
                }
            }
        } finally {
            root.removeAppender("capture");
            root.setLevel(before);
            context.updateLoggers();
        }
        assertThat(capture.lines).as("the test must have captured the API's logs").isNotEmpty();
        assertThat(capture.lines).anyMatch(l -> l.contains("SignalStream API listening"));
        for (String line : capture.lines) {
            for (String secret : SECRETS) {
                assertThat(line).as("a log line").doesNotContain(secret);
            }
            assertThat(line).doesNotContain("jane.roe").doesNotContain("4111111111111111");
        }
    }
}
