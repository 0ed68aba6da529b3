package io.signalstream.job.agents.local;

import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.Channel;
import io.signalstream.model.ConversationState;
import io.signalstream.model.PiiResult;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.Sender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code make bench-agents}: messages per second through the whole set of offline agents on one
 * thread (one core): PII detection and redaction as the state operator runs it, then sentiment,
 * insights, summary and reply on a conversation of five recent messages.
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

    private final PiiDetector pii = new PiiDetector("US");
    private final LocalSentimentAgent sentiment = new LocalSentimentAgent(new SentimentAnalyzer());
    private final LocalInsightsAgent insights = new LocalInsightsAgent(new SentimentAnalyzer());
    private final LocalSummaryAgent summary = new LocalSummaryAgent();
    private final LocalReplyAgent reply = new LocalReplyAgent(new SentimentAnalyzer());
    private final List<List<RecentMessage>> windows = new ArrayList<>();
    private int next;
    private long sequence;

    @Setup
    public void setUp() {
        Instant t = Instant.parse("2026-01-15T10:00:00Z");
        for (int i = 0; i < MESSAGES.length; i++) {
            List<RecentMessage> window = new ArrayList<>();
            for (int k = 4; k >= 0; k--) {
                int m = Math.floorMod(i - k, MESSAGES.length);
                window.add(
                        new RecentMessage(
                                "m" + m,
                                k % 2 == 1 ? Sender.AGENT : Sender.CUSTOMER,
                                MESSAGES[m],
                                Channel.CHAT,
                                t));
            }
            windows.add(window);
        }
    }

    /**
     * The conversation with message {@code i} as its newest message. The newest message gets a
     * fresh id and text each time, as in real traffic, so nothing about it is cached; the older
     * messages of the window repeat, as they do when a conversation goes on.
     */
    private ConversationUpdate update(int i, PiiResult found) {
        List<RecentMessage> window = new ArrayList<>(windows.get(i));
        RecentMessage last = window.remove(window.size() - 1);
        long id = ++sequence;
        RecentMessage latest =
                new RecentMessage(
                        "n" + id,
                        last.sender(),
                        last.message() + " #" + id,
                        last.channel(),
                        last.timestamp());
        window.add(latest);
        Instant t = latest.timestamp();
        return new ConversationUpdate(
                new ConversationState("bench", "c" + i, 5, window, latest.messageId(), t, t),
                latest,
                found);
    }

    private int nextMessage() {
        int i = next;
        next = (next + 1) % MESSAGES.length;
        return i;
    }

    /** The whole set, as the job runs it for each message. */
    @Benchmark
    public void allAgentsOnOneMessage(Blackhole out) {
        int i = nextMessage();
        PiiResult found = pii.detect(MESSAGES[i], "m" + i);
        ConversationUpdate update = update(i, found);
        out.consume(found);
        out.consume(sentiment.compute(update));
        out.consume(insights.compute(update));
        out.consume(summary.compute(update));
        if (reply.appliesTo(update)) {
            out.consume(reply.compute(update));
        }
    }

    /** Where the time goes: each part alone. */
    @Benchmark
    public Object piiOnly() {
        int i = nextMessage();
        return pii.detect(MESSAGES[i], "m" + i);
    }

    @Benchmark
    public Object sentimentOnly() {
        int i = nextMessage();
        return sentiment.compute(update(i, null));
    }

    @Benchmark
    public Object insightsOnly() {
        int i = nextMessage();
        return insights.compute(update(i, new PiiResult(false, List.of(), MESSAGES[i])));
    }

    @Benchmark
    public Object summaryAndReplyOnly(Blackhole out) {
        int i = nextMessage();
        ConversationUpdate update = update(i, null);
        out.consume(reply.compute(update));
        return summary.compute(update);
    }
}
