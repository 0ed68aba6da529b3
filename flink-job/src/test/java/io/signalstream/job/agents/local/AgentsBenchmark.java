package io.signalstream.job.agents.local;

import io.signalstream.job.parse.ParseFunction;
import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.Channel;
import io.signalstream.model.Sender;
import io.signalstream.model.SupportMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code make bench-agents}: messages per second through the whole set of offline agents on one
 * thread (one core), as the job runs them for each message: PII detection and redaction and the
 * message's signals (the parse stage, {@link ParseFunction#inbound}), the fold into its
 * conversation's context (the conversation operator) and every agent's answer (the async call). Ten
 * conversations go on in turn, each new message with a fresh id and text, so nothing about it is
 * cached.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AgentsBenchmark {

    private static final String[] MESSAGES = {
        "Hi, my order #4411 still hasn't arrived and it's been two weeks. Where is it?",
        "I was charged twice for the same subscription, please refund one of them.",
        "The app crashes every time I open it since the update. Really frustrating!",
        "Thanks so much, that fixed it. You've been a great help :)",
        "My card 4111 1111 1111 1111 was declined, call me at (415) 555-2671.",
        "I want to cancel my account. This is the third time I've asked and I'm furious.",
        "Does the X200 come with a charger? Is it compatible with my phone?",
        "I can't log in, the password reset email never arrives.",
        "ok",
        "Please send the invoice to billing@example.com, my IBAN is DE89 3704 0044 0532 0130 00.",
    };
    private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

    private final PiiDetector pii = new PiiDetector("US");
    private final SentimentAnalyzer sentiment = new SentimentAnalyzer();
    private final MessageAnalyzer analyzer = new MessageAnalyzer(sentiment);
    private final LocalContextFold fold = new LocalContextFold();
    private final LocalAgents agents = new LocalAgents(20);
    private final ConversationContext[] contexts = new ConversationContext[MESSAGES.length];
    private final long[] counts = new long[MESSAGES.length];
    private int next;
    private long sequence;

    private int nextMessage() {
        int i = next;
        next = (next + 1) % MESSAGES.length;
        return i;
    }

    /** The message's parse stage: redaction and signals. */
    private InboundMessage inbound(int i) {
        long id = ++sequence;
        return ParseFunction.inbound(
                new SupportMessage(
                        "n" + id,
                        "bench",
                        "c" + (id % MESSAGES.length),
                        id % 3 == 2 ? Sender.AGENT : Sender.CUSTOMER,
                        MESSAGES[i] + " #" + id,
                        Channel.CHAT,
                        T,
                        Map.of()),
                pii,
                analyzer);
    }

    /** The whole set, as the job runs it for each message. */
    @Benchmark
    public Object allAgentsOnOneMessage() {
        InboundMessage m = inbound(nextMessage());
        int c = (int) (sequence % MESSAGES.length);
        long seq = ++counts[c];
        contexts[c] = fold.next(contexts[c], m, seq);
        return agents.answer(
                new AgentRequest(
                        AgentRequest.Kind.MESSAGE,
                        m.tenantId(),
                        m.conversationId(),
                        seq,
                        m,
                        contexts[c],
                        List.of(),
                        0));
    }

    /** Where the time goes: each part alone. */
    @Benchmark
    public Object piiOnly() {
        int i = nextMessage();
        return pii.detect(MESSAGES[i], "m" + i);
    }

    @Benchmark
    public Object signalsOnly() {
        return analyzer.analyze(MESSAGES[nextMessage()] + " #" + (++sequence));
    }

    @Benchmark
    public Object sentimentScoresOnly() {
        return sentiment.score(MESSAGES[nextMessage()] + " #" + (++sequence));
    }

    @Benchmark
    public Object intentOnly() {
        return IntentRules.classify(MESSAGES[nextMessage()] + " #" + (++sequence));
    }

    @Benchmark
    public Object languageOnly() {
        return Languages.shared().detect(MESSAGES[nextMessage()] + " #" + (++sequence));
    }

    @Benchmark
    public void foldAndAnswerOnly(Blackhole out) {
        int i = nextMessage();
        InboundMessage m =
                new InboundMessage(
                        "bench",
                        "c" + i,
                        "m" + i,
                        Sender.CUSTOMER,
                        Channel.CHAT,
                        T,
                        MESSAGES[i],
                        List.of(),
                        SIGNALS[i]);
        long seq = ++counts[i];
        contexts[i] = fold.next(contexts[i], m, seq);
        out.consume(
                agents.answer(
                        new AgentRequest(
                                AgentRequest.Kind.MESSAGE,
                                "bench",
                                "c" + i,
                                seq,
                                m,
                                contexts[i],
                                List.of(),
                                0)));
    }

    private static final io.signalstream.job.records.MessageSignals[] SIGNALS =
            java.util.Arrays.stream(MESSAGES)
                    .map(new MessageAnalyzer(new SentimentAnalyzer())::analyze)
                    .toArray(io.signalstream.job.records.MessageSignals[]::new);
}
