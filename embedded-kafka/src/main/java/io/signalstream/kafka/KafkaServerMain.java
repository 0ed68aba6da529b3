package io.signalstream.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded broker as its own process, for the standalone cluster ({@code make
 * cluster-up}): {@code KafkaServerMain <data-dir> <port> <controller-port> <partitions>}. Creates
 * the product's topics and serves until the process is stopped.
 */
public final class KafkaServerMain {

    private KafkaServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println(
                    "usage: KafkaServerMain <data-dir> <port> <controller-port> <partitions>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        EmbeddedKafka kafka =
                EmbeddedKafka.builder()
                        .dataDir(Path.of(args[0]))
                        .port(port)
                        .controllerPort(Integer.parseInt(args[2]))
                        .build()
                        .start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), "", Integer.parseInt(args[3]));
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
