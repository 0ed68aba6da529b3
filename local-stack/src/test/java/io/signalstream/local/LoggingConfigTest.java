package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The logging configurations ({@code make run}'s, the standalone cluster's and those of the tests
 * that run Flink) drop the warning Flink 2.2's sink committers repeat at every checkpoint, and only
 * that one: any other metric warning still reaches the log.
 */
class LoggingConfigTest {

    private static final String METRIC_LOGGER = "org.apache.flink.metrics.MetricGroup";

    /** What Flink 2.2.1 logs for each committer at every checkpoint (FLINK-37559). */
    private static final String REPEATED =
            "Name collision: Group already contains a Metric with the name 'pendingCommittables'."
                    + " Metric will not be reported.[, taskmanager, 212dac73, SignalStream (local),"
                    + " sink support.dlq: Committer, 0]";

    private static final String OTHER =
            "Name collision: Group already contains a Metric with the name 'numRecordsIn'."
                    + " Metric will not be reported.[, taskmanager, 212dac73, SignalStream (local),"
                    + " aggregate, 0]";

    @TempDir Path logs;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "src/main/resources/log4j2.xml",
                "../flink-conf/log4j.properties",
                "src/test/resources/log4j2-test.xml",
                "../flink-job/src/test/resources/log4j2-test.xml",
                "../system-tests/src/test/resources/log4j2-test.xml"
            })
    void onlyTheRepeatedCommitterWarningIsDropped(String file) {
        // the cluster's file writes to ${sys:log.file}
        String before = System.setProperty("log.file", logs.resolve("test.log").toString());
        LoggerContext context = new LoggerContext("logging-config-test");
        try {
            context.setConfigLocation(Path.of(file).toAbsolutePath().toUri());
            LoggerConfig config = context.getConfiguration().getLoggerConfig(METRIC_LOGGER);

            assertThat(config.getName()).isEqualTo(METRIC_LOGGER);
            assertThat(config.getLevel().isLessSpecificThan(Level.WARN)).isTrue();
            assertThat(config.isFiltered(warning(REPEATED))).isTrue();
            assertThat(config.isFiltered(warning(OTHER))).isFalse();
        } finally {
            context.stop();
            if (before == null) {
                System.clearProperty("log.file");
            } else {
                System.setProperty("log.file", before);
            }
        }
    }

    private static LogEvent warning(String text) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName(METRIC_LOGGER)
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage(text))
                .build();
    }
}
