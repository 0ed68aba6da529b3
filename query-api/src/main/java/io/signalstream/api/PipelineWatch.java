package io.signalstream.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Flink job keeps up with the messages the API accepts, seen from Kafka alone: the job
 * commits its raw-topic offsets to its consumer group at every checkpoint, so the distance from
 * those offsets to the topic's end is its lag, and offsets that stop moving while there is lag mean
 * the job is down or stuck. This works while the job is gone, when its own metrics are gone too.
 *
 * <p>Checked in the background every {@link Settings#interval()}; {@code /health/pipeline}, {@code
 * /health/ready} and {@code /metrics} read the last answer, so none of them waits on Kafka.
 */
public final class PipelineWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineWatch.class);

    /**
     * What to watch.
     *
     * @param groupId the job's consumer group ({@code JOB_GROUP_ID}, the job's {@code
     *     KAFKA_GROUP_ID}; {@code signalstream-job} by default)
     * @param stallAfter lag with no progress for this long is a stall ({@code
     *     SIGNALSTREAM_PIPELINE_STALL_AFTER}, two minutes by default: well above the job's
     *     checkpoint interval, when its offsets move)
     * @param interval how often Kafka is asked
     */
    public record Settings(String groupId, Duration stallAfter, Duration interval) {

        public static final Settings DEFAULTS =
                new Settings("signalstream-job", Duration.ofMinutes(2), Duration.ofSeconds(5));

        static Settings from(Map<String, String> env) {
            return new Settings(
                    env.getOrDefault("JOB_GROUP_ID", DEFAULTS.groupId()),
                    DurationSetting.read(
                            "SIGNALSTREAM_PIPELINE_STALL_AFTER",
                            env.get("SIGNALSTREAM_PIPELINE_STALL_AFTER"),
                            DEFAULTS.stallAfter(),
                            null,
                            null),
                    DEFAULTS.interval());
        }
    }

    /**
     * The pipeline's state: {@code running}, {@code stalled}, or {@code unknown} (Kafka silent).
     */
    public enum State {
        RUNNING,
        STALLED,
        UNKNOWN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The last answer.
     *
     * @param lag raw messages accepted and not yet committed by the job, -1 when unknown
     * @param stalledForMs how long the lag has not moved, 0 while the job progresses
     */
    public record Status(State state, long lag, long stalledForMs) {
        static final Status UNKNOWN = new Status(State.UNKNOWN, -1, 0);
    }

    private final Admin admin;
    private final String topic;
    private final Settings settings;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private long lastCommitted = -1;
    private long progressAt;
    private volatile Status status = Status.UNKNOWN;

    PipelineWatch(Properties clientProperties, String rawTopic, Settings settings) {
        this(clientProperties, rawTopic, settings, System::currentTimeMillis);
    }

    PipelineWatch(
            Properties clientProperties, String rawTopic, Settings settings, LongSupplier clock) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        this.admin = Admin.create(props);
        this.topic = rawTopic;
        this.settings = settings;
        this.clock = clock;
        this.progressAt = clock.getAsLong();
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "pipeline-watch");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Checks now and then every interval. */
    PipelineWatch start() {
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::checkQuietly, 0, every, TimeUnit.MILLISECONDS);
        return this;
    }

    Status status() {
        return status;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (Exception e) {
            LOG.debug("Pipeline check failed", e);
            status = Status.UNKNOWN;
        }
    }

    /** Asks Kafka once and updates {@link #status()}. */
    synchronized Status check() throws Exception {
        List<TopicPartitionInfo> partitions =
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartitionInfo p : partitions) {
            TopicPartition tp = new TopicPartition(topic, p.partition());
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                admin.listOffsets(earliest).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(settings.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
        long lag = 0;
        long committedSum = 0;
        for (TopicPartition tp : latest.keySet()) {
            OffsetAndMetadata at = committed.get(tp);
            // A partition the job never committed counts from the oldest record still kept.
            long position = at != null ? at.offset() : starts.get(tp).offset();
            lag += Math.max(0, ends.get(tp).offset() - position);
            committedSum += position;
        }
        long now = clock.getAsLong();
        if (committedSum != lastCommitted || lag == 0) {
            lastCommitted = committedSum;
            progressAt = now;
        }
        long quietFor = now - progressAt;
        boolean stalled = lag > 0 && quietFor >= settings.stallAfter().toMillis();
        status = new Status(stalled ? State.STALLED : State.RUNNING, lag, lag > 0 ? quietFor : 0);
        return status;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
