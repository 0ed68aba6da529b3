package io.signalstream.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code make run}: starts the local stack, prints where to look, and stops it all on Ctrl-C. */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        String home = System.getProperty("signalstream.home", ".");
        LocalStack.Options options =
                new LocalStack.Options(
                        Path.of(env("SIGNALSTREAM_DATA_DIR", home + "/.run/local")),
                        Integer.parseInt(env("KAFKA_PORT", "9092")),
                        Integer.parseInt(env("API_PORT", "8080")),
                        Integer.parseInt(env("FLINK_UI_PORT", "8081")),
                        Integer.parseInt(env("TOPIC_PARTITIONS", "4")),
                        Integer.parseInt(env("JOB_PARALLELISM", "2")),
                        Path.of(home, "flink-conf"),
                        env("AI_PROVIDER", "local"),
                        Boolean.parseBoolean(env("EXACTLY_ONCE", "false")));
        String keys = System.getenv("SIGNALSTREAM_API_KEYS");
        if (keys != null && !keys.isBlank()) {
            options = options.withApiKeys(keys);
        }
        if ("1".equals(System.getenv("FRESH")) || "true".equalsIgnoreCase(System.getenv("FRESH"))) {
            String fresh = LocalStack.setAsideJobState(options.dataDir());
            System.out.println(
                    fresh == null ? "FRESH: there was no job state to set aside." : fresh);
        }
        LocalStack stack;
        try {
            stack = new LocalStack(options).start();
        } catch (LocalStack.JobStartException e) {
            // Everything that had started is stopped again; say why and what to do, nothing more.
            System.err.println("\nSignalStream did not start.\n" + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    System.out.println(
                                            "\nStopping SignalStream (checkpoints are kept; make run resumes) ...");
                                    stack.close();
                                    stopped.countDown();
                                },
                                "local-stack-shutdown"));
        if (stack.upgradeNote() != null) {
            System.out.println("\n" + stack.upgradeNote());
        }
        if (stack.startNote() != null) {
            System.out.println("\n" + stack.startNote());
        }
        String api = stack.apiUrl();
        String key = stack.devKey();
        String keyLine =
                key == null
                        ? "API keys     from SIGNALSTREAM_API_KEYS"
                        : "API key      " + key + "   (tenant " + LocalStack.DEV_TENANT + ")";
        String shownKey = key == null ? "<your key>" : key;
        System.out.printf(
                """

                SignalStream is running.
                  Dashboard    %1$s/   (paste the API key below)
                  %6$s
                  API          %1$s   (OpenAPI: %1$s/openapi, health: %1$s/health/ready)
                  Flink web UI %2$s
                  Metrics      %1$s/metrics (API)   %8$s (job)
                  Kafka        %3$s
                  Data         %4$s

                Try it:
                  curl -s -X POST %1$s/v1/messages -H 'Authorization: Bearer %7$s' \
                    -H 'Content-Type: application/json' \
                    -d '{"conversation_id":"demo-1","sender":"customer","channel":"chat","message":"My order #1234 still has not arrived and I am really frustrated"}'
                  curl -s -H 'Authorization: Bearer %7$s' %1$s/v1/conversations/demo-1/insights
                  WebSocket: ws://localhost:%5$d/ws/conversations/demo-1/stream?access_token=%7$s

                Press Ctrl-C to stop.
                %n""",
                api,
                stack.flinkUi(),
                stack.kafka().bootstrapServers(),
                options.dataDir().toAbsolutePath(),
                stack.api().port(),
                keyLine,
                shownKey,
                stack.flinkMetricsUrl());
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
