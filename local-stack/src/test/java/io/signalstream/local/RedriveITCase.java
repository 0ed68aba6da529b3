package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.records.SinkRecord;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.sink.Outputs;
import io.signalstream.kafka.EmbeddedKafka;
import io.signalstream.kafka.KafkaTopics;
import io.signalstream.model.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code make redrive} against a real broker: dead letters made the way the job makes them, chosen
 * by stage, reason and offset, go back to the raw topic as they came; the rest stay, said why.
 */
class RedriveITCase {

    private static final String PREFIX = "redrive-";
    private static EmbeddedKafka kafka;
    private static KafkaSettings settings;

    @BeforeAll
    static void deadLetters() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        KafkaTopics.ensureAll(kafka.bootstrapServers(), PREFIX, 1);
        settings =
                KafkaSettings.from(
                        new String[] {
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--topic-prefix",
                            PREFIX
                        },
                        Map.of());
        String raw = settings.topic(Topics.MESSAGES_RAW);
        List<SinkRecord> letters =
                List.of(
                        // 0: an input the validation refused, with the client's own header
                        Outputs.deadLetter(
                                input(raw, 7, "c1", "{\"message\":\"too long\"}", "trace", "t-1"),
                                "message is longer than 16000 characters",
                                "validate"),
                        // 1: an input that was not JSON
                        Outputs.deadLetter(input(raw, 8, "c2", "not json"), "not JSON", "parse"),
                        // 2: a model call that fell back: the job's own record, not an input
                        Outputs.deadLetter(
                                bytes("c3"),
                                bytes("{\"request\":1}"),
                                "model timed out",
                                "agents.insights",
                                "",
                                -1,
                                -1),
                        // 3: an input refused, whose value had to be cut to fit
                        cut(
                                Outputs.deadLetter(
                                        input(raw, 9, "c4", "{\"message\":\"x\"}"),
                                        "message is longer than 16000 characters",
                                        "validate")));
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (SinkRecord r : letters) {
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(settings.topic(Topics.DLQ), r.key(), r.value());
                r.headers().forEach(h -> record.headers().add(h.name(), h.value()));
                producer.send(record).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void chosenInputDeadLettersGoBackAsTheyCameAndTheRestSayWhyNot() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Redrive.Choice validation =
                Redrive.Choice.from(
                        ParameterTool.fromArgs(
                                new String[] {"--stage", "validate", "--reason", "LONGER THAN"}));

        // A dry run lists the chosen and sends nothing
        Redrive.Outcome dry =
                new Redrive(settings)
                        .run(
                                Redrive.Choice.from(
                                        ParameterTool.fromArgs(
                                                new String[] {"--stage", "validate", "--dry-run"})),
                                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(dry.read()).isEqualTo(4);
        assertThat(dry.chosen()).isEqualTo(2);
        assertThat(dry.redriven()).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("0:0", "dry run");

        // Stage and reason choose the validation dead letters; the cut one stays, said why
        Redrive.Outcome outcome =
                new Redrive(settings).run(validation, new PrintStream(new ByteArrayOutputStream()));
        assertThat(outcome.chosen()).isEqualTo(2);
        assertThat(outcome.redriven()).isEqualTo(1);
        assertThat(outcome.skipped()).singleElement().asString().startsWith("0:3 ").contains("cut");

        // Offsets choose by coordinate; a model fallback is not an input and stays
        Redrive.Outcome byOffset =
                new Redrive(settings)
                        .run(
                                Redrive.Choice.from(
                                        ParameterTool.fromArgs(
                                                new String[] {"--offsets", "0:1, 0:2"})),
                                new PrintStream(new ByteArrayOutputStream()));
        assertThat(byOffset.chosen()).isEqualTo(2);
        assertThat(byOffset.redriven()).isEqualTo(1);
        assertThat(byOffset.skipped())
                .singleElement()
                .asString()
                .contains("not an input record", "agents.insights");

        List<ConsumerRecord<byte[], byte[]>> back = readRaw(2);
        assertThat(back).hasSize(2);
        ConsumerRecord<byte[], byte[]> first = back.get(0);
        assertThat(text(first.key())).isEqualTo("c1");
        assertThat(text(first.value())).isEqualTo("{\"message\":\"too long\"}");
        assertThat(headerNames(first)).containsExactly("trace", Redrive.HEADER_REDRIVE_OF);
        assertThat(text(first.headers().lastHeader("trace").value())).isEqualTo("t-1");
        assertThat(text(first.headers().lastHeader(Redrive.HEADER_REDRIVE_OF).value()))
                .isEqualTo("0:0");
        assertThat(text(back.get(1).value())).isEqualTo("not json");
        assertThat(text(back.get(1).headers().lastHeader(Redrive.HEADER_REDRIVE_OF).value()))
                .isEqualTo("0:1");
    }

    @Test
    void aChoiceThatCannotBeReadIsNamed() {
        assertThatThrownBy(
                        () ->
                                Redrive.Choice.from(
                                        ParameterTool.fromArgs(new String[] {"--offsets", "3"})))
                .hasMessageContaining("--offsets");
        assertThatThrownBy(
                        () ->
                                Redrive.Choice.from(
                                        ParameterTool.fromArgs(
                                                new String[] {"--since", "yesterday"})))
                .hasMessageContaining("--since");
        assertThatThrownBy(
                        () ->
                                Redrive.Choice.from(
                                        ParameterTool.fromArgs(new String[] {"--max", "0"})))
                .hasMessageContaining("--max");
    }

    private static SourceRecord input(
            String raw, long offset, String key, String value, String... header) {
        List<SinkRecord.Header> headers = new ArrayList<>();
        for (int i = 0; i + 1 < header.length; i += 2) {
            headers.add(SinkRecord.Header.of(header[i], header[i + 1]));
        }
        return new SourceRecord(raw, 0, offset, 0L, bytes(key), bytes(value), headers);
    }

    /** As the sink does with a dead letter too large for the topic: its value cut, size noted. */
    private static SinkRecord cut(SinkRecord letter) {
        List<SinkRecord.Header> headers = new ArrayList<>(letter.headers());
        headers.add(SinkRecord.Header.of(Outputs.HEADER_VALUE_BYTES, "2000000"));
        return new SinkRecord(letter.topic(), letter.key(), bytes("{\"mess"), headers);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readRaw(int expected) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(settings.topic(Topics.MESSAGES_RAW), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            while (consumer.position(p) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(end).isEqualTo(expected);
        }
        return records;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<String> headerNames(ConsumerRecord<byte[], byte[]> r) {
        List<String> names = new ArrayList<>();
        for (Header h : r.headers()) {
            names.add(h.key());
        }
        return names;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
