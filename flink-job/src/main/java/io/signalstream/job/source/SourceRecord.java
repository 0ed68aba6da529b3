package io.signalstream.job.source;

/**
 * A Kafka record as it arrived, before parsing: kept whole so a record that cannot be parsed goes
 * to the dead-letter topic exactly as it was, with where it came from.
 */
public record SourceRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}
