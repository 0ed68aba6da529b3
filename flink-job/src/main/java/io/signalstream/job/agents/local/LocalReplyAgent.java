package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.Emotion;
import io.signalstream.model.Intent;
import io.signalstream.model.ReplyResult;
import io.signalstream.model.Sender;

/** Agent assist: a suggested reply to the customer's latest message, by intent. */
public final class LocalReplyAgent extends LocalAgent {

    private final SentimentAnalyzer sentiment;

    public LocalReplyAgent(SentimentAnalyzer sentiment) {
        this.sentiment = sentiment;
    }

    @Override
    public AgentKind kind() {
        return AgentKind.REPLY;
    }

    @Override
    public boolean appliesTo(ConversationUpdate update) {
        return update.message().sender() == Sender.CUSTOMER;
    }

    @Override
    AgentOutput compute(ConversationUpdate update) {
        String text = update.message().message();
        Intent intent = IntentRules.classify(text);
        SentimentAnalyzer.Scores scores = sentiment.score(text);
        Emotion emotion =
                LocalSentimentAgent.emotion(
                        LocalSentimentAgent.label(scores.compound(), scores), text, scores);
        String opening =
                switch (emotion) {
                    case ANGRY, FRUSTRATED ->
                            "I'm really sorry about this, and I understand how frustrating it is. ";
                    case ANXIOUS -> "I understand your concern, and I'm on it right away. ";
                    case DISAPPOINTED -> "I'm sorry we let you down. ";
                    case CONFUSED -> "Happy to clear this up. ";
                    case GRATEFUL, SATISFIED, NEUTRAL -> "";
                };
        String body =
                switch (intent) {
                    case REFUND_REQUEST ->
                            "I'm sorry about this. I'm checking your order now and will confirm your refund options in a moment.";
                    case CANCELLATION ->
                            "I can help with that. Before I cancel, may I confirm which account or subscription you mean?";
                    case ACCOUNT_ACCESS ->
                            "Let's get you back in. I'll send a secure reset link to the e-mail on file once I've verified your identity.";
                    case BILLING ->
                            "Thanks for flagging this. I'm reviewing the charges on your account right now.";
                    case SHIPPING_DELIVERY, ORDER_STATUS ->
                            "Let me look up your order and its tracking details for you.";
                    case TECHNICAL_ISSUE ->
                            "Sorry for the trouble. Could you tell me what you see on screen, and when it started?";
                    case COMPLAINT ->
                            "I'm sorry we let you down. I want to put this right; here is what I can do.";
                    case FEEDBACK_PRAISE ->
                            "Thank you for the kind words! I'll share them with the team.";
                    case PRODUCT_QUESTION ->
                            "Good question. Let me check the product details for you.";
                    case GENERAL_INQUIRY ->
                            "Thanks for reaching out. Could you tell me a little more so I can help?";
                };
        return new ReplyResult(opening + body);
    }
}
