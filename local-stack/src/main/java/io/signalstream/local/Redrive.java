package io.signalstream.local;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.sink.Outputs;
import io.signalstream.model.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code make redrive}: puts chosen dead letters back on the topic they came from, as they came —
 * key, bytes and the record's own headers — so the job reads them again (after the cause was fixed:
 * a limit raised, a bug fixed). The dead-letter topic itself is only read, never changed.
 *
 * <p>Only dead letters of input records go back (their {@code source.topic} is the raw messages
 * topic); a model call's fallback or an output that did not fit is a record of the job's own and is
 * listed as skipped, with why. So is a dead letter whose value was cut to fit ({@code
 * error.value_bytes}): it no longer holds the record as it came. A redriven record carries {@code
 * redrive.of} (the dead letter's partition and offset); the job's dedupe by {@code message_id}
 * keeps a message redriven twice from counting twice.
 *
 * <p>Kafka settings are the job's ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code TOPIC_PREFIX}, {@code
 * KAFKA_API_KEY}/{@code KAFKA_API_SECRET}, ...). The choice, all optional and combined with "and":
 * {@code --stage} (e.g. {@code validate}; {@code agents} matches {@code agents.insights}), {@code
 * --reason} (text the reason contains, any case), {@code --since}/{@code --until} (ISO-8601
 * instants, when the record was dead-lettered), {@code --offsets} (dead-letter coordinates {@code
 * partition:offset,...}), {@code --max} (at most this many, default 10000), {@code --dry-run}
 * (list, send nothing).
 */
public final class Redrive {

    /** On a redriven record: {@code <partition>:<offset>} of the dead letter it came from. */
    public static final String HEADER_REDRIVE_OF = "redrive.of";

    private static final Duration POLL = Duration.ofMillis(500);
    private static final int LISTED = 50;

    /**
     * Which dead letters to put back; every part that is set must hold.
     *
     * @param stage the stage, or its first part before a dot; null for any
     * @param reasonContains text the reason contains, any case; null for any
     * @param since dead-lettered at or after; null for any
     * @param until dead-lettered before; null for any
     * @param offsets {@code partition:offset} of chosen dead letters; empty for any
     * @param max at most this many are put back
     * @param dryRun list only
     */
    public record Choice(
            String stage,
            String reasonContains,
            Instant since,
            Instant until,
            Set<String> offsets,
            int max,
            boolean dryRun) {

        public Choice {
            offsets = Set.copyOf(offsets);
            if (max < 1) {
                throw new IllegalArgumentException("--max must be at least 1, not " + max);
            }
        }

        /** Reads the choice from {@code --stage}, {@code --reason}, ...; names what is wrong. */
        public static Choice from(ParameterTool params) {
            Set<String> offsets = new HashSet<>();
            String list = params.get("offsets", "");
            for (String part : list.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) {
                    continue;
                }
                if (!p.matches("\\d+:\\d+")) {
                    throw new IllegalArgumentException(
                            "--offsets takes partition:offset pairs separated by commas, not '"
                                    + p
                                    + "'");
                }
                offsets.add(p);
            }
            int max;
            try {
                max = Integer.parseInt(params.get("max", "10000"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--max must be a whole number, not '" + params.get("max") + "'");
            }
            return new Choice(
                    blankToNull(params.get("stage")),
                    blankToNull(params.get("reason")),
                    instant(params, "since"),
                    instant(params, "until"),
                    offsets,
                    max,
                    params.has("dry-run") && !"false".equalsIgnoreCase(params.get("dry-run")));
        }

        boolean matches(ConsumerRecord<byte[], byte[]> r) {
            String recordStage = header(r, Outputs.HEADER_STAGE);
            if (stage != null
                    && !(stage.equals(recordStage)
                            || (recordStage != null && recordStage.startsWith(stage + ".")))) {
                return false;
            }
            String reason = header(r, Outputs.HEADER_REASON);
            if (reasonContains != null
                    && (reason == null
                            || !reason.toLowerCase(Locale.ROOT)
                                    .contains(reasonContains.toLowerCase(Locale.ROOT)))) {
                return false;
            }
            if (since != null && r.timestamp() < since.toEpochMilli()) {
                return false;
            }
            if (until != null && r.timestamp() >= until.toEpochMilli()) {
                return false;
            }
            return offsets.isEmpty() || offsets.contains(r.partition() + ":" + r.offset());
        }
    }

    /**
     * What a run did.
     *
     * @param read dead letters read
     * @param chosen of those, the ones the choice named
     * @param redriven put back (0 on a dry run)
     * @param skipped chosen but not put back, each with why
     */
    public record Outcome(int read, int chosen, int redriven, List<String> skipped) {}

    private final KafkaSettings kafka;

    public Redrive(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    public static void main(String[] args) {
        Choice choice;
        KafkaSettings kafka;
        try {
            choice = Choice.from(ParameterTool.fromArgs(args));
            kafka = KafkaSettings.from(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("redrive: " + e.getMessage());
            System.exit(2);
            return;
        }
        Outcome outcome = new Redrive(kafka).run(choice, System.out);
        System.exit(outcome.chosen() > 0 && outcome.redriven() == 0 && !choice.dryRun() ? 1 : 0);
    }

    /** Reads the dead-letter topic to its end as of now and puts the chosen records back. */
    public Outcome run(Choice choice, PrintStream out) {
        String dlq = kafka.topic(Topics.DLQ);
        String raw = kafka.topic(Topics.MESSAGES_RAW);
        int read = 0;
        int chosen = 0;
        int redriven = 0;
        List<String> skipped = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                KafkaProducer<byte[], byte[]> producer = choice.dryRun() ? null : producer()) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(dlq, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(dlq, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!reachedEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    read++;
                    if (!choice.matches(r) || chosen >= choice.max()) {
                        continue;
                    }
                    chosen++;
                    String where = r.partition() + ":" + r.offset();
                    String why = notRedrivable(r, raw);
                    if (why != null) {
                        skipped.add(where + " " + why);
                        list(out, chosen, where + " skipped: " + why);
                        continue;
                    }
                    String line =
                            where
                                    + " ["
                                    + header(r, Outputs.HEADER_STAGE)
                                    + "] "
                                    + header(r, Outputs.HEADER_REASON);
                    if (producer == null) {
                        list(out, chosen, line + " (dry run)");
                        continue;
                    }
                    producer.send(asItCame(r, raw, where));
                    redriven++;
                    list(out, chosen, line + " -> " + raw);
                }
            }
            if (producer != null) {
                producer.flush();
            }
        }
        if (chosen > LISTED) {
            out.println("... and " + (chosen - LISTED) + " more");
        }
        out.printf(
                "redrive: %d dead letters read, %d chosen, %d put back on %s%s, %d skipped%n",
                read,
                chosen,
                redriven,
                raw,
                choice.dryRun() ? " (dry run: nothing sent)" : "",
                skipped.size());
        return new Outcome(read, chosen, redriven, List.copyOf(skipped));
    }

    /** Why a dead letter cannot go back as it came, or null when it can. */
    static String notRedrivable(ConsumerRecord<byte[], byte[]> r, String raw) {
        String source = header(r, Outputs.HEADER_TOPIC);
        if (!raw.equals(source)) {
            return "not an input record (it came from "
                    + (source == null || source.isEmpty() ? "the job itself" : source)
                    + ", stage "
                    + header(r, Outputs.HEADER_STAGE)
                    + ")";
        }
        if (header(r, Outputs.HEADER_VALUE_BYTES) != null) {
            return "its value was cut to fit the dead-letter topic; the record as it came is at "
                    + raw
                    + " "
                    + header(r, Outputs.HEADER_PARTITION)
                    + ":"
                    + header(r, Outputs.HEADER_OFFSET)
                    + " for that topic's retention";
        }
        if (r.value() == null) {
            return "it has no value";
        }
        return null;
    }

    /** The input record again: its key, value and own headers, without the job's error headers. */
    static ProducerRecord<byte[], byte[]> asItCame(
            ConsumerRecord<byte[], byte[]> r, String raw, String where) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(raw, r.key(), r.value());
        for (Header h : r.headers()) {
            if (!added(h.key())) {
                record.headers().add(new RecordHeader(h.key(), h.value()));
            }
        }
        record.headers().add(HEADER_REDRIVE_OF, where.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static boolean added(String header) {
        return header.equals(Outputs.HEADER_REASON)
                || header.equals(Outputs.HEADER_STAGE)
                || header.equals(Outputs.HEADER_TOPIC)
                || header.equals(Outputs.HEADER_PARTITION)
                || header.equals(Outputs.HEADER_OFFSET)
                || header.equals(Outputs.HEADER_VALUE_BYTES)
                || header.equals(HEADER_REDRIVE_OF);
    }

    private static boolean reachedEnd(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void list(PrintStream out, int n, String line) {
        if (n <= LISTED) {
            out.println(line);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null
                ? null
                : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Instant instant(ParameterTool params, String name) {
        String value = blankToNull(params.get(name));
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--"
                            + name
                            + " must be an ISO-8601 instant (2026-12-01T09:00:00Z), not '"
                            + value
                            + "'");
        }
    }
}
