package io.signalstream.api;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Asks the Kafka cluster for its id, with a short timeout: whether Kafka answers right now. */
final class KafkaProbe implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;

    KafkaProbe(ApiSettings settings) {
        Properties props = settings.clientProperties();
        props.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        this.admin = Admin.create(props);
    }

    boolean reachable() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .clusterId()
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
