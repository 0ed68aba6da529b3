package io.signalstream.local.bench;

import io.signalstream.job.parse.MessageParser;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.MessageSignals;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.model.SupportMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The benchmark's floor: a bare Flink job on the same stack as the product. The same Kafka source,
 * the same parse and validation, the same {@code keyBy} with the same record type and serializer, a
 * RocksDB {@code ValueState<Long>} count per conversation, and one small JSON record out through a
 * sink with the product's producer settings. What the product does beyond this is its cost.
 */
final class FloorJob {

    static final String OUTPUT_TOPIC = "bench.floor";

    private FloorJob() {}

    static void define(
            StreamExecutionEnvironment env,
            Source<SourceRecord, ?, ?> source,
            Sink<SinkRecord> sink) {
        env.getConfig().enableObjectReuse();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "support.messages.raw")
                .uid("source-messages-raw")
                .process(new Parse())
                .uid("floor-parse")
                .name("parse and validate")
                .keyBy(InboundMessage::key)
                .process(new Count())
                .uid("floor-count")
                .name("count")
                .sinkTo(sink)
                .uid("floor-sink")
                .name("sink " + OUTPUT_TOPIC);
    }

    /** Reads and validates a record as the product's parse stage does, without its analysis. */
    static final class Parse extends ProcessFunction<SourceRecord, InboundMessage> {
        private static final long serialVersionUID = 1L;
        private transient MessageParser parser;

        @Override
        public void open(OpenContext openContext) {
            parser = new MessageParser();
        }

        @Override
        public void processElement(SourceRecord r, Context ctx, Collector<InboundMessage> out) {
            MessageParser.Parsed parsed = parser.parse(r.value());
            if (!parsed.ok()) {
                return;
            }
            SupportMessage m = parsed.message();
            out.collect(
                    new InboundMessage(
                            m.tenantId(),
                            m.conversationId(),
                            m.messageId(),
                            m.sender(),
                            m.channel(),
                            m.timestamp(),
                            m.message(),
                            List.of(),
                            MessageSignals.NONE));
        }
    }

    /** One RocksDB value per conversation, read and written once per message. */
    static final class Count extends KeyedProcessFunction<String, InboundMessage, SinkRecord> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(InboundMessage m, Context ctx, Collector<SinkRecord> out)
                throws Exception {
            Long before = count.value();
            long n = before == null ? 1 : before + 1;
            count.update(n);
            String key = m.key();
            out.collect(
                    new SinkRecord(
                            OUTPUT_TOPIC,
                            key.getBytes(StandardCharsets.UTF_8),
                            ("{\"key\":\""
                                            + key
                                            + "\",\"count\":"
                                            + n
                                            + ",\"message_id\":\""
                                            + m.messageId()
                                            + "\"}")
                                    .getBytes(StandardCharsets.UTF_8),
                            List.of()));
        }
    }
}
