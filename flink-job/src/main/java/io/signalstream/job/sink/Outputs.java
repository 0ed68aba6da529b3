package io.signalstream.job.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.model.AgentResult;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.AuditEvent;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import io.signalstream.model.Traceparent;
import io.signalstream.model.TranscriptEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes the job's outputs as Kafka records: snake_case JSON under the conversation's key, with
 * headers that let readers decide without parsing. Build one per operator instance.
 */
public final class Outputs {

    /** Dead-letter headers: why, where in the job, and where the input came from. */
    public static final String HEADER_REASON = "error.reason";

    public static final String HEADER_STAGE = "error.stage";
    public static final String HEADER_TOPIC = "source.topic";
    public static final String HEADER_PARTITION = "source.partition";
    public static final String HEADER_OFFSET = "source.offset";

    /** Set on a dead letter whose value had to be cut to fit: the original length in bytes. */
    public static final String HEADER_VALUE_BYTES = "error.value_bytes";

    /** Header values are capped so one huge error message cannot make the record too large. */
    static final int MAX_REASON_LENGTH = 2_000;

    private final RecordJson json = new RecordJson();
    private final ObjectWriter agentResults;
    private final ObjectWriter auditEvents;

    public Outputs() {
        ObjectMapper mapper = Json.newMapper();
        agentResults = mapper.writerFor(AgentResult.class);
        auditEvents = mapper.writerFor(AuditEvent.class);
    }

    /**
     * An aggregate on {@code support.ai.aggregated}, with {@code version}/{@code epoch}/{@code
     * message_count} headers and the W3C {@code traceparent} of its write, a span of the trace of
     * the message it answers, when there is one (null for none).
     */
    public SinkRecord aggregate(AggregatedIntelligence a, String traceparent) {
        List<SinkRecord.Header> headers =
                new ArrayList<>(
                        List.of(
                                SinkRecord.Header.of(
                                        AggregatedIntelligence.HEADER_VERSION,
                                        Long.toString(a.version())),
                                SinkRecord.Header.of(
                                        AggregatedIntelligence.HEADER_EPOCH,
                                        Long.toString(a.epoch())),
                                SinkRecord.Header.of(
                                        AggregatedIntelligence.HEADER_MESSAGE_COUNT,
                                        Long.toString(a.messageCount()))));
        if (traceparent != null) {
            headers.add(SinkRecord.Header.of(Traceparent.HEADER, traceparent));
        }
        return new SinkRecord(
                Topics.AI_AGGREGATED, bytes(a.key()), json.aggregate(a), List.copyOf(headers));
    }

    /** One transcript slot on {@code support.conversations.transcript}. */
    public SinkRecord transcript(TranscriptEntry entry, int window) {
        return new SinkRecord(
                Topics.TRANSCRIPT,
                bytes(
                        TranscriptEntry.slotKey(
                                entry.key(), TranscriptEntry.slot(entry.seq(), window))),
                json.transcript(entry),
                List.of(SinkRecord.Header.of("seq", Long.toString(entry.seq()))));
    }

    /** One agent's result on {@code support.ai.<agent>}. */
    public SinkRecord agentResult(AgentResult result) {
        return new SinkRecord(
                Topics.forAgent(result.agent()),
                bytes(result.key()),
                agentResultJson(result),
                List.of());
    }

    private byte[] agentResultJson(AgentResult result) {
        byte[] written = json.agentResult(result);
        return written != null ? written : json(agentResults, result);
    }

    /** An entry of the audit trail on {@code support.audit}. */
    public SinkRecord audit(AuditEvent event) {
        return new SinkRecord(
                Topics.AUDIT, bytes(event.key()), json(auditEvents, event), List.of());
    }

    /** Removes {@code key} from a compacted topic. */
    public static SinkRecord tombstone(String topic, String key) {
        return new SinkRecord(topic, bytes(key), null, List.of());
    }

    /**
     * A record the job could not process, for {@code support.dlq}: its original key and bytes, the
     * reason and stage, and where it came from.
     *
     * @param stage e.g. {@code parse}, {@code validate}, {@code agent.insights}, {@code sink}
     * @param sourceTopic empty when the failure is not tied to one input record
     * @param sourcePartition -1 when unknown
     * @param sourceOffset -1 when unknown
     */
    public static SinkRecord deadLetter(
            byte[] key,
            byte[] value,
            String reason,
            String stage,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        return deadLetter(
                key, value, reason, stage, sourceTopic, sourcePartition, sourceOffset, List.of());
    }

    /**
     * A dead letter of an input record that keeps the record's own headers (first, as they were;
     * the error and source headers after them), so {@code make redrive} can put it back as it was.
     */
    public static SinkRecord deadLetter(SourceRecord record, String reason, String stage) {
        return deadLetter(
                record.key(),
                record.value(),
                reason,
                stage,
                record.topic(),
                record.partition(),
                record.offset(),
                record.headers());
    }

    private static SinkRecord deadLetter(
            byte[] key,
            byte[] value,
            String reason,
            String stage,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            List<SinkRecord.Header> original) {
        List<SinkRecord.Header> headers = new ArrayList<>(original.size() + 5);
        headers.addAll(original);
        String why = reason == null ? "unknown" : reason;
        headers.add(
                SinkRecord.Header.of(
                        HEADER_REASON,
                        why.length() > MAX_REASON_LENGTH
                                ? why.substring(0, MAX_REASON_LENGTH)
                                : why));
        headers.add(SinkRecord.Header.of(HEADER_STAGE, stage));
        headers.add(SinkRecord.Header.of(HEADER_TOPIC, sourceTopic == null ? "" : sourceTopic));
        headers.add(SinkRecord.Header.of(HEADER_PARTITION, Integer.toString(sourcePartition)));
        headers.add(SinkRecord.Header.of(HEADER_OFFSET, Long.toString(sourceOffset)));
        return new SinkRecord(Topics.DLQ, key, value, List.copyOf(headers));
    }

    private static byte[] json(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
