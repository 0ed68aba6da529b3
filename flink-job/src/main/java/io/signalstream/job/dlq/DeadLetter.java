package io.signalstream.job.dlq;

/**
 * A record the job could not process, bound for {@code support.dlq}: the original bytes, why it
 * failed, at which stage, and where it came from.
 *
 * @param stage e.g. {@code parse}, {@code validate}, {@code agent.sentiment}
 * @param sourceTopic empty when the failure is not tied to one input record
 * @param sourcePartition -1 when unknown
 * @param sourceOffset -1 when unknown
 */
public record DeadLetter(
        byte[] key,
        byte[] value,
        String reason,
        String stage,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset) {

    public static final String HEADER_REASON = "error.reason";
    public static final String HEADER_STAGE = "error.stage";
    public static final String HEADER_TOPIC = "source.topic";
    public static final String HEADER_PARTITION = "source.partition";
    public static final String HEADER_OFFSET = "source.offset";
}
