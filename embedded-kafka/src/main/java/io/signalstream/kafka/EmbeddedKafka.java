package io.signalstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (combined broker and KRaft controller) run in this JVM from
 * Kafka's own classes, the way {@code kafka-server-start.sh} runs one. Data lives in a folder, so a
 * broker stopped and started again keeps its topics and offsets.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final SaslSsl saslSsl;
    private final int saslSslPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Builder builder) {
        this.dataDir = builder.dataDir;
        this.deleteOnClose = builder.deleteOnClose;
        // picked together, so no two listeners are handed the same port (one picked and released
        // may be the next one picked)
        int[] free = FreePorts.pick(3, HOST);
        this.port = builder.port == 0 ? free[0] : builder.port;
        this.controllerPort = builder.controllerPort == 0 ? free[1] : builder.controllerPort;
        this.overrides = Map.copyOf(builder.overrides);
        this.saslSsl = builder.saslSsl;
        this.saslSslPort = saslSsl == null ? -1 : free[2];
    }

    /**
     * A SASL_SSL listener with PLAIN users, as managed Kafka services offer.
     *
     * @param keystore PKCS12 keystore with the broker's certificate (SAN 127.0.0.1)
     */
    public record SaslSsl(Path keystore, String keystorePassword, String user, String password) {}

    public static Builder builder() {
        return new Builder();
    }

    /** Formats the data folder on first use, then starts the broker and waits until it serves. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            Path propsFile = dataDir.resolve("server.properties");
            Properties props = serverProperties();
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "SignalStream embedded broker");
            }
            format(propsFile);
            KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            raftServer.startup();
            server = raftServer;
            LOG.info("Kafka broker up at {} (data in {})", bootstrapServers(), dataDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data folder " + dataDir, e);
        }
    }

    /** Stops the broker and keeps its data, so {@link #start()} brings it back as it was. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Kafka broker at {} stopped", bootstrapServers());
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The SASL_SSL listener's address; only with {@link Builder#saslSsl}. */
    public String saslSslBootstrapServers() {
        if (saslSsl == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener");
        }
        return HOST + ":" + saslSslPort;
    }

    @Override
    public void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private Properties serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + port
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose, with the partitioning and compaction the product needs.
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        if (saslSsl != null) {
            p.put("listeners", p.get("listeners") + ",SASL_SSL://" + HOST + ":" + saslSslPort);
            p.put(
                    "advertised.listeners",
                    p.get("advertised.listeners") + ",SASL_SSL://" + HOST + ":" + saslSslPort);
            p.put(
                    "listener.security.protocol.map",
                    p.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN");
            p.put(
                    "listener.name.sasl_ssl.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"broker\" password=\"broker-secret\""
                            + " user_"
                            + saslSsl.user()
                            + "=\""
                            + saslSsl.password()
                            + "\";");
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", saslSsl.keystore().toString());
            p.put("ssl.keystore.password", saslSsl.keystorePassword());
            p.put("ssl.key.password", saslSsl.keystorePassword());
        }
        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private void format(Path propsFile) {
        if (Files.exists(dataDir.resolve("metadata").resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            exit =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "--config",
                                propsFile.toString(),
                                "--cluster-id",
                                "signalstream-local-00",
                                "--ignore-formatted"
                            },
                            out);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    "formatting Kafka storage in "
                            + dataDir
                            + " failed: "
                            + buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    /** Where the broker keeps its data and which ports it listens on. */
    public static final class Builder {
        private Path dataDir;
        private boolean deleteOnClose;
        private int port;
        private int controllerPort;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private SaslSsl saslSsl;

        private Builder() {}

        /** Adds a SASL_SSL listener (PLAIN) beside the plain one. */
        public Builder saslSsl(SaslSsl settings) {
            this.saslSsl = settings;
            return this;
        }

        /** A folder that outlives the broker; by default a temporary one deleted on close. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** Any broker setting, e.g. {@code num.partitions}. */
        public Builder property(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka build() {
            if (dataDir == null) {
                try {
                    dataDir = Files.createTempDirectory("signalstream-kafka-");
                    deleteOnClose = true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new EmbeddedKafka(this);
        }
    }
}
