package io.signalstream.job.agents.local;

import io.signalstream.job.pii.PiiDetector;
import io.signalstream.job.records.*;
import io.signalstream.model.*;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchTimingTest {
    @Test
    void time() {
        PiiDetector pii = new PiiDetector("US");
        SentimentAnalyzer sentiment = new SentimentAnalyzer();
        MessageAnalyzer analyzer = new MessageAnalyzer(sentiment);
        LocalContextFold fold = new LocalContextFold();
        LocalAgents agents = new LocalAgents(20);
        String[] texts = {
            "\uD83D\uDE21".repeat(7_000),
            "I want my money back 123",
            "Still waiting for my refund, order 1234. ".repeat(50)
        };
        for (String text : texts) {
            for (int round = 0; round < 30; round++) {
                long t0 = System.nanoTime();
                PiiResult found = pii.detect(text, "n");
                long t1 = System.nanoTime();
                MessageSignals s = analyzer.analyze(found.redactedMessage());
                long t2 = System.nanoTime();
                InboundMessage m =
                        new InboundMessage(
                                "b",
                                "c",
                                "n",
                                Sender.CUSTOMER,
                                Channel.CHAT,
                                Instant.now(),
                                found.redactedMessage(),
                                found.entities(),
                                s);
                ConversationContext ctx = fold.next(null, m, 1);
                long t3 = System.nanoTime();
                agents.answer(
                        new AgentRequest(
                                AgentRequest.Kind.MESSAGE, "b", "c", 1, m, ctx, List.of(), 0));
                long t4 = System.nanoTime();
                if (round == 29)
                    System.out.printf(
                            "len %d pii %.2f signals %.2f fold %.2f agents %.2f ms%n",
                            text.length(),
                            (t1 - t0) / 1e6,
                            (t2 - t1) / 1e6,
                            (t3 - t2) / 1e6,
                            (t4 - t3) / 1e6);
            }
        }
    }
}
