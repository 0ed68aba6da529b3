package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.Fixtures;
import io.signalstream.job.records.AgentRequest;
import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentPoint;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hard cases of the offline agents, pinned. */
class LocalAgentsTest {

    private static final LocalContextFold FOLD = new LocalContextFold();
    private final LocalAgents agents = new LocalAgents(20);

    /** A conversation of "customer:" / "agent:" lines, as the job's request for its last one. */
    private static AgentRequest conversation(String... lines) {
        ConversationContext context = null;
        InboundMessage last = null;
        for (int i = 0; i < lines.length; i++) {
            Sender sender = lines[i].startsWith("agent:") ? Sender.AGENT : Sender.CUSTOMER;
            String text = lines[i].substring(lines[i].indexOf(':') + 1).strip();
            last = Fixtures.inbound("t", "c", "m" + i, sender, text, i);
            context = FOLD.next(context, last, i + 1);
        }
        return new AgentRequest(
                AgentRequest.Kind.MESSAGE, "t", "c", lines.length, last, context, List.of(), 0);
    }

    private SentimentResult feel(String... lines) {
        return agents.sentiment(conversation(lines).context());
    }

    private InsightsResult insights(String... lines) {
        AgentRequest r = conversation(lines);
        return agents.insights(r.context(), r.seq());
    }

    private SummaryResult summarise(String... lines) {
        AgentRequest r = conversation(lines);
        return agents.summary(r.context(), r.seq());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "I am happy with the service                      | positive",
                "I am not happy with the service                  | negative",
                "This is not bad at all                           | positive",
                "The product is great but the support is useless  | mixed",
                "Thanks for nothing                               | negative",
                "Great, just great. My order is lost again.       | negative",
                "Love how the app logs me out. Brilliant.         | negative",
                "This is TERRIBLE                                 | negative",
                "You are awesome 👍                               | positive",
                "still waiting on my refund :(                    | negative",
                "Where is my order?                               | neutral",
                "ok                                               | neutral",
                "??                                               | neutral",
                "The soup was delicious                           | positive",
                "Dreadful, a complete fiasco                      | negative",
                "I'll buy again                                   | neutral",
                "You still haven't fixed it                       | negative",
                "Can you help me please                           | neutral",
                "El servicio es pésimo, estoy harto               | negative",
                "Muchas gracias, todo perfecto                    | positive",
                "No funciona nada                                 | negative",
            })
    void sentimentLabels(String text, String label) {
        assertThat(feel("customer: " + text).sentiment().wireName()).isEqualTo(label);
    }

    @Test
    void intensifiersAndCapsMakeItStronger() {
        double plain = feel("customer: the service was bad").score();
        double very = feel("customer: the service was very bad").score();
        double caps = feel("customer: the service was BAD").score();
        double slightly = feel("customer: the service was slightly bad").score();
        assertThat(very).isLessThan(plain);
        assertThat(caps).isLessThan(plain);
        assertThat(slightly).isGreaterThan(plain);
    }

    @Test
    void sentimentFollowsTheCustomerNotTheAgentAndWeighsRecentMessagesMore() {
        SentimentResult angry =
                feel(
                        "customer: This is terrible, my package is lost",
                        "agent: Wonderful, thank you, we are happy to help, great day!");
        assertThat(angry.sentiment()).isEqualTo(SentimentLabel.NEGATIVE);

        SentimentResult recovered =
                feel(
                        "customer: This is terrible, my package is lost",
                        "agent: Found it, it arrives tomorrow",
                        "customer: Great, thank you so much, that is perfect!");
        assertThat(recovered.sentiment()).isEqualTo(SentimentLabel.POSITIVE);
        assertThat(recovered.emotion()).isEqualTo(Emotion.GRATEFUL);
        assertThat(recovered.reasoning()).containsIgnoringCase("great");
    }

    @Test
    void emotions() {
        assertThat(feel("customer: I'm FURIOUS, this is UNACCEPTABLE").emotion())
                .isEqualTo(Emotion.ANGRY);
        assertThat(
                        feel("customer: Still waiting, this is the third time I ask. So annoying")
                                .emotion())
                .isEqualTo(Emotion.FRUSTRATED);
        assertThat(feel("customer: I'm worried someone else used my card").emotion())
                .isEqualTo(Emotion.ANXIOUS);
        assertThat(feel("customer: Really disappointed with the quality").emotion())
                .isEqualTo(Emotion.DISAPPOINTED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "I am unhappy with how my case was handled      | complaint",
                "can i get a refnd for my ordr                  | refund_request",
                "Please cancel my order before it ships          | cancellation",
                "I was charged twice                            | billing",
                "i forgot my pasword                            | account_access",
                "The app crashes on start                       | technical_issue",
                "Is this jacket waterproof?                     | product_question",
                "my pakage never arived                         | shipping_delivery",
                "no complaints, everything was perfect          | feedback_praise",
                "What are your opening hours?                   | general_inquiry",
            })
    void intents(String text, String intent) {
        assertThat(new MessageAnalyzer().analyze(text).intent().wireName()).isEqualTo(intent);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Fix this or I will sue you                            | legal threat        | critical",
                "I will dispute the charge with my bank                | chargeback threat   | critical",
                "The charger started smoking and burned my desk        | safety issue        | critical",
                "Let me speak to your manager                          | customer asked for a manager | high",
                "If this is not fixed today I'm cancelling my contract | cancellation threat | high",
                "This is the third time I write about this             | repeated contact    | high",
                "You are the worst, useless, terrible company!!!       | strong anger        | high",
            })
    void escalations(String text, String reason, String urgency) {
        InsightsResult result = insights("customer: " + text);
        assertThat(result.requiresEscalation()).isTrue();
        assertThat(result.escalationReason()).isEqualTo(reason);
        assertThat(result.urgency().wireName()).isEqualTo(urgency);
        assertThat(result.suggestedActions().get(0)).contains("Escalate");
    }

    @Test
    void calmQuestionsAreNotEscalated() {
        InsightsResult result = insights("customer: Does the desk come assembled?");
        assertThat(result.requiresEscalation()).isFalse();
        assertThat(result.urgency()).isEqualTo(Urgency.LOW);
        assertThat(result.intent()).isEqualTo(Intent.PRODUCT_QUESTION);
    }

    @Test
    void summarySaysWhoWantsWhatAndWhereItStands() {
        SummaryResult open =
                summarise(
                        "customer: I want a refund for the broken blender",
                        "agent: Sorry! Checking now");
        assertThat(open.summary()).contains("refund", "blender");
        assertThat(open.resolutionStatus()).isEqualTo(ResolutionStatus.PENDING);
        assertThat(open.keyPoints()).hasSize(2);

        SummaryResult resolved =
                summarise(
                        "customer: I want a refund for the broken blender",
                        "agent: Refund issued",
                        "customer: Thanks, that worked, all sorted");
        assertThat(resolved.resolutionStatus()).isEqualTo(ResolutionStatus.RESOLVED);
    }

    @Test
    void replyFitsIntentAndEmotionAndAnswersTheCustomersNewestMessage() {
        ReplyResult angry =
                agents.answer(conversation("customer: I was charged twice, this is ridiculous!"))
                        .reply();
        assertThat(angry.suggestedReply()).startsWith("I'm really sorry").contains("charges");
        ReplyResult grateful =
                agents.answer(conversation("customer: Thank you so much, great job!")).reply();
        assertThat(grateful.suggestedReply()).startsWith("Thank you for the kind words");

        AgentResults afterAgent = agents.answer(conversation("customer: hi", "agent: hello"));
        AgentRun reply =
                afterAgent.runs().stream()
                        .filter(r -> r.agent() == AgentKind.REPLY)
                        .findFirst()
                        .orElseThrow();
        assertThat(reply.seq()).isEqualTo(1);
        assertThat(afterAgent.runs())
                .filteredOn(r -> r.agent() != AgentKind.REPLY)
                .extracting(AgentRun::seq)
                .containsOnly(2L);
    }

    @Test
    void theAggregatesListsKeepAsManyAsConfiguredTheNewest() {
        LocalContextFold fold = new LocalContextFold(3, 4);
        ConversationContext c = null;
        for (int i = 0; i < 40; i++) {
            Sender sender = i % 2 == 0 ? Sender.CUSTOMER : Sender.AGENT;
            c =
                    fold.next(
                            c,
                            Fixtures.inbound(
                                    "t", "c", "m" + i, sender, "mail user" + i + "@example.org", i),
                            i + 1);
        }
        assertThat(c.entities())
                .extracting(PiiEntity::messageId)
                .containsExactly("m37", "m38", "m39");
        // the customer wrote the messages of even i, seq i + 1
        assertThat(c.trend()).extracting(SentimentPoint::seq).containsExactly(33L, 35L, 37L, 39L);

        // a lower bound after a restart trims what a conversation kept as it moves on
        ConversationContext wide =
                conversation(
                                "customer: a@example.org",
                                "customer: b@example.org",
                                "customer: c@example.org")
                        .context();
        assertThat(wide.entities()).hasSize(3);
        ConversationContext trimmed =
                new LocalContextFold(1, 1)
                        .next(
                                wide,
                                Fixtures.inbound(
                                        "t", "c", "m9", Sender.CUSTOMER, "d@example.org", 9),
                                4);
        assertThat(trimmed.entities()).extracting(PiiEntity::messageId).containsExactly("m9");
        assertThat(trimmed.trend()).extracting(SentimentPoint::seq).containsExactly(4L);
    }

    @Test
    void theContextStaysBoundedHoweverLongTheConversation() {
        String[] lines = new String[300];
        for (int i = 0; i < lines.length; i++) {
            lines[i] =
                    (i % 2 == 0 ? "customer: " : "agent: ")
                            + "message "
                            + i
                            + " mail me at user"
                            + i
                            + "@example.org, this is terrible";
        }
        ConversationContext c = conversation(lines).context();
        assertThat(c.trend()).hasSize(50);
        // the newest kept, in order: the customer wrote messages 1, 3, ..., 299
        assertThat(c.trend().get(0).seq()).isEqualTo(201);
        assertThat(c.trend().get(49).seq()).isEqualTo(299);
        assertThat(c.entities()).hasSize(AggregatedIntelligence.MAX_PII_ENTITIES);
        assertThat(c.entities().get(0).messageId()).isEqualTo("m250");
        assertThat(c.entities().get(AggregatedIntelligence.MAX_PII_ENTITIES - 1).messageId())
                .isEqualTo("m299");
        assertThat(c.keyPoints()).hasSize(3);
        assertThat(c.keyPoints().get(2)).contains("message 299");
        assertThat(c.keyPoints().get(0)).contains("message 297");
        assertThat(c.cues().size()).isLessThanOrEqualTo(8);
    }

    @Test
    void anEscalationCountsForTheWindowThenFades() {
        String[] lines = new String[25];
        lines[0] = "customer: I will call my lawyer";
        for (int i = 1; i < lines.length; i++) {
            lines[i] = "agent: noted " + i;
        }
        assertThat(insights(java.util.Arrays.copyOf(lines, 10)).escalationReason())
                .isEqualTo("legal threat");
        assertThat(insights(lines).requiresEscalation()).isFalse();
    }

    @Test
    void everyAnswerNamesTheMessagesLanguageAndDoesNotTrustAReadingOfAnotherLanguage() {
        AgentResults spanish =
                agents.answer(conversation("customer: Quiero cancelar mi pedido, por favor"));
        assertThat(spanish.insights().language()).isEqualTo("es");
        assertThat(spanish.insights().intent()).isEqualTo(Intent.CANCELLATION);
        assertThat(spanish.sentiment().confidence()).isGreaterThan(LocalAgents.UNSURE_CONFIDENCE);

        AgentResults french =
                agents.answer(
                        conversation(
                                "customer: Je suis très déçu, ma commande est encore en retard"));
        assertThat(french.insights().language()).isEqualTo("fr");
        assertThat(french.sentiment().confidence())
                .isLessThanOrEqualTo(LocalAgents.UNSURE_CONFIDENCE);
        assertThat(french.sentiment().reasoning()).contains("'fr' is not analysed offline");
    }

    @Test
    void aFollowUpWithoutACueKeepsTheConversationsIntent() {
        InsightsResult i =
                insights(
                        "customer: I want a refund for the broken kettle",
                        "customer: you can mail me at the usual address");
        assertThat(i.intent()).isEqualTo(Intent.REFUND_REQUEST);
    }
}
