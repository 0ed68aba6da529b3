package io.signalstream.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded broker as its own process, for the standalone cluster ({@code make
 * cluster-up}): {@code KafkaServerMain <data-dir> <port> <partitions>}. Creates the product's
 * topics and serves until the process is stopped.
 */
public final class KafkaServerMain {

    private KafkaServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: KafkaServerMain <data-dir> <port> <partitions>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        EmbeddedKafka kafka =
                EmbeddedKafka.builder()
                        .dataDir(Path.of(args[0]))
                        .port(port)
                        .controllerPort(port + 1)
                        .build()
                        .start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", Integer.parseInt(args[2]));
        System.out.println("Kafka ready at " + kafka.bootstrapServers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    kafka.stop();
                                    stopped.countDown();
                                },
                                "kafka-shutdown"));
        stopped.await();
    }
}
