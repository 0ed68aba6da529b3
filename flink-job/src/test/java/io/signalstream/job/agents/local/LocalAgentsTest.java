package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.Channel;
import io.signalstream.model.ConversationState;
import io.signalstream.model.Emotion;
import io.signalstream.model.InsightsResult;
import io.signalstream.model.Intent;
import io.signalstream.model.PiiResult;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import io.signalstream.model.SummaryResult;
import io.signalstream.model.Urgency;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hard cases of the offline agents, pinned. */
class LocalAgentsTest {

    private static final SentimentAnalyzer ANALYZER = new SentimentAnalyzer();
    private final LocalSentimentAgent sentiment = new LocalSentimentAgent(ANALYZER);
    private final LocalInsightsAgent insights = new LocalInsightsAgent(ANALYZER);
    private final LocalSummaryAgent summary = new LocalSummaryAgent();
    private final LocalReplyAgent reply = new LocalReplyAgent(ANALYZER);

    /** A conversation of alternating "customer:" / "agent:" lines. */
    private static ConversationUpdate conversation(String... lines) {
        Instant t = Instant.parse("2026-01-15T10:00:00Z");
        List<RecentMessage> messages = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Sender sender = lines[i].startsWith("agent:") ? Sender.AGENT : Sender.CUSTOMER;
            String text = lines[i].substring(lines[i].indexOf(':') + 1).strip();
            messages.add(new RecentMessage("m" + i, sender, text, Channel.CHAT, t.plusSeconds(i)));
        }
        RecentMessage last = messages.get(messages.size() - 1);
        return new ConversationUpdate(
                new ConversationState(
                        "t", "c", messages.size(), messages, last.messageId(), t, last.timestamp()),
                last,
                new PiiResult(false, List.of(), last.message()));
    }

    private SentimentResult feel(String... lines) {
        return (SentimentResult) sentiment.compute(conversation(lines));
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
        assertThat(IntentRules.classify(text).wireName()).isEqualTo(intent);
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
        InsightsResult result =
                (InsightsResult) insights.compute(conversation("customer: " + text));
        assertThat(result.requiresEscalation()).isTrue();
        assertThat(result.escalationReason()).isEqualTo(reason);
        assertThat(result.urgency().wireName()).isEqualTo(urgency);
        assertThat(result.suggestedActions().get(0)).contains("Escalate");
    }

    @Test
    void calmQuestionsAreNotEscalated() {
        InsightsResult result =
                (InsightsResult)
                        insights.compute(conversation("customer: Does the desk come assembled?"));
        assertThat(result.requiresEscalation()).isFalse();
        assertThat(result.urgency()).isEqualTo(Urgency.LOW);
        assertThat(result.intent()).isEqualTo(Intent.PRODUCT_QUESTION);
    }

    @Test
    void summarySaysWhoWantsWhatAndWhereItStands() {
        SummaryResult open =
                (SummaryResult)
                        summary.compute(
                                conversation(
                                        "customer: I want a refund for the broken blender",
                                        "agent: Sorry! Checking now"));
        assertThat(open.summary()).contains("refund", "blender");
        assertThat(open.resolutionStatus()).isEqualTo(ResolutionStatus.PENDING);
        assertThat(open.keyPoints()).hasSize(2);

        SummaryResult resolved =
                (SummaryResult)
                        summary.compute(
                                conversation(
                                        "customer: I want a refund for the broken blender",
                                        "agent: Refund issued",
                                        "customer: Thanks, that worked, all sorted"));
        assertThat(resolved.resolutionStatus()).isEqualTo(ResolutionStatus.RESOLVED);
    }

    @Test
    void replyFitsIntentAndEmotionAndOnlyAnswersCustomers() {
        ConversationUpdate angry =
                conversation("customer: I was charged twice, this is ridiculous!");
        assertThat(((ReplyResult) reply.compute(angry)).suggestedReply())
                .startsWith("I'm really sorry")
                .contains("charges");
        ConversationUpdate grateful = conversation("customer: Thank you so much, great job!");
        assertThat(((ReplyResult) reply.compute(grateful)).suggestedReply())
                .startsWith("Thank you for the kind words");
        assertThat(reply.appliesTo(conversation("customer: hi", "agent: hello"))).isFalse();
    }
}
