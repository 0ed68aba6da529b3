package io.signalstream.api;

import io.helidon.config.Config;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the query API with {@code application.yaml} and the environment. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // Helidon logs through java.util.logging; send it to the same place as everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        QueryApi api = QueryApi.create(Config.create()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(api::stop, "query-api-shutdown"));
    }
}
