package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.Fixtures;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.MessageSignals;
import io.signalstream.model.Sender;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parse stage reads only the cues of a message that is not the customer's: every agent answers
 * exactly as it would had the message been analysed in full.
 */
class ReplySignalsTest {

    private static final MessageAnalyzer ANALYZER = new MessageAnalyzer();
    private static final LocalContextFold FOLD = new LocalContextFold();

    /** The texts (last column) of an evaluation set. */
    private static List<String> texts(String resource) throws Exception {
        return Evaluation.all(resource).stream()
                .map(e -> e.fields()[e.fields().length - 1])
                .toList();
    }

    @Test
    void agentsAnswerAsIfEveryMessageWereAnalysedInFull() throws Exception {
        List<String> texts = new ArrayList<>(texts("/eval/utterances.tsv"));
        texts.addAll(texts("/eval/spanish.tsv"));
        texts.addAll(
                List.of(
                        "Glad that fixed it, all sorted!",
                        "Problem solved, anything else I can help with?",
                        "Sorry, that didn't fix it yet, still not working on our side",
                        "I will escalate this to a manager right away",
                        "Your refund of $50 was issued to card 4111 1111 1111 1111"));
        LocalAgents agents = new LocalAgents(20);
        Random random = new Random(11);
        int replies = 0;
        int resolvedReplies = 0;
        for (int conversation = 0; conversation < 60; conversation++) {
            ConversationContext lean = null;
            ConversationContext full = null;
            for (int seq = 1; seq <= 14; seq++) {
                Sender sender =
                        random.nextInt(5) < 2
                                ? Sender.CUSTOMER
                                : random.nextBoolean() ? Sender.AGENT : Sender.SYSTEM;
                String text = texts.get(random.nextInt(texts.size()));
                InboundMessage parsed =
                        Fixtures.inbound("t", "c" + conversation, "m" + seq, sender, text, seq);
                InboundMessage analysed =
                        new InboundMessage(
                                parsed.tenantId(),
                                parsed.conversationId(),
                                parsed.messageId(),
                                sender,
                                parsed.channel(),
                                parsed.timestamp(),
                                parsed.text(),
                                parsed.pii(),
                                ANALYZER.analyze(parsed.text()));
                if (sender != Sender.CUSTOMER) {
                    replies++;
                    resolvedReplies += parsed.signals().resolved() ? 1 : 0;
                    assertThat(parsed.signals().resolved())
                            .isEqualTo(analysed.signals().resolved());
                } else {
                    assertThat(parsed.signals()).isEqualTo(analysed.signals());
                }
                lean = FOLD.next(lean, parsed, seq);
                full = FOLD.next(full, analysed, seq);
                AgentResults a = agents.answer(request(parsed, lean, seq));
                AgentResults b = agents.answer(request(analysed, full, seq));
                assertThat(a.sentiment()).isEqualTo(b.sentiment());
                assertThat(a.pii()).isEqualTo(b.pii());
                assertThat(a.insights()).isEqualTo(b.insights());
                assertThat(a.summary()).isEqualTo(b.summary());
                assertThat(a.reply()).isEqualTo(b.reply());
            }
        }
        assertThat(replies).isGreaterThan(300);
        assertThat(resolvedReplies).isPositive();
    }

    @Test
    void aReplyCarriesOnlyWhetherItSaysTheProblemIsSolved() {
        assertThat(ANALYZER.analyzeReply("Great, that fixed it, all sorted!").resolved()).isTrue();
        assertThat(ANALYZER.analyzeReply("I am furious, this is URGENT!!"))
                .isEqualTo(MessageSignals.NONE);
    }

    private static AgentRequest request(InboundMessage m, ConversationContext c, long seq) {
        return new AgentRequest(
                AgentRequest.Kind.MESSAGE, "t", m.conversationId(), seq, m, c, List.of(), 0);
    }
}
