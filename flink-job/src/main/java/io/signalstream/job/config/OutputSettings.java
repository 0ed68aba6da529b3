package io.signalstream.job.config;

import java.io.Serializable;
import java.util.Set;

/**
 * How the job writes: one producer per subtask for every output.
 *
 * @param agentTopics {@code AGENT_TOPICS}: also write each agent's result to {@code
 *     support.ai.<agent>} (the aggregate carries them all either way)
 * @param maxRecordBytes {@code MAX_RECORD_BYTES}: no record the job writes is larger; an output
 *     that would be is replaced by a dead letter saying so. Keep it below the producer's {@code
 *     max.request.size} and the topics' {@code max.message.bytes} (1 MiB by default). At least
 *     {@link #MIN_RECORD_BYTES}, so the largest valid message always fits its transcript record
 * @param lingerMs {@code KAFKA_LINGER_MS}: how long the producer waits to fill a batch (5 ms: at
 *     light load it is latency on every aggregate; under load a batch carries what 5 ms brings, and
 *     20 ms measured 6 ms more POST → WebSocket p50 for 5 % more capacity, within noise)
 * @param batchBytes {@code KAFKA_BATCH_BYTES}: the producer's batch size per partition
 * @param compression {@code KAFKA_COMPRESSION}: {@code snappy} (default: its streams reuse their
 *     buffers, Kafka's LZ4 stream allocates 128 KB per batch), {@code lz4}, {@code zstd}, {@code
 *     gzip} or {@code none}
 * @param analytics {@code ANALYTICS}: count each tenant's messages into minute, hour and day
 *     buckets on {@code support.analytics} (on by default; the aggregates carry their operations
 *     either way)
 * @param rules {@code RULES}: evaluate the tenants' alert rules ({@code support.rules}) on every
 *     aggregate and raise alerts on {@code support.alerts} (on by default). Off, the job reads no
 *     rules and hands nothing to a rule operator: for a deployment that uses no alerts, which then
 *     saves the rule operator's share of the job's CPU ({@code docs/benchmarks.md}). Rules stored
 *     while it is off are not evaluated; they apply from when it is on again, to the messages after
 */
public record OutputSettings(
        boolean agentTopics,
        int maxRecordBytes,
        int lingerMs,
        int batchBytes,
        String compression,
        boolean analytics,
        boolean rules)
        implements Serializable {

    /** The producer's request limit; {@link #maxRecordBytes} must leave room under it. */
    public static final int MAX_REQUEST_BYTES = 1_048_576;

    /**
     * Room for the largest transcript record: 16,000 characters of at most 6 bytes each in JSON (a
     * control character's escape), with the envelope.
     */
    public static final int MIN_RECORD_BYTES = 131_072;

    static OutputSettings read(Settings s) {
        return new OutputSettings(
                s.flag("agent-topics", "AGENT_TOPICS", false),
                s.integer("max-record-bytes", "MAX_RECORD_BYTES", 900_000),
                s.integer("kafka-linger-ms", "KAFKA_LINGER_MS", 5),
                s.integer("kafka-batch-bytes", "KAFKA_BATCH_BYTES", 262_144),
                s.text("kafka-compression", "KAFKA_COMPRESSION", "snappy"),
                s.flag("analytics", "ANALYTICS", true),
                s.flag("rules", "RULES", true));
    }

    void check() {
        Settings.require(
                maxRecordBytes >= MIN_RECORD_BYTES && maxRecordBytes <= MAX_REQUEST_BYTES - 16_384,
                "MAX_RECORD_BYTES must be between "
                        + MIN_RECORD_BYTES
                        + " and "
                        + (MAX_REQUEST_BYTES - 16_384));
        Settings.require(lingerMs >= 0 && lingerMs <= 1_000, "KAFKA_LINGER_MS must be 0 to 1000");
        Settings.require(
                batchBytes >= 16_384 && batchBytes <= MAX_REQUEST_BYTES,
                "KAFKA_BATCH_BYTES must be between 16384 and " + MAX_REQUEST_BYTES);
        Settings.require(
                Set.of("lz4", "zstd", "snappy", "gzip", "none").contains(compression),
                "KAFKA_COMPRESSION must be one of lz4, zstd, snappy, gzip, none");
    }
}
