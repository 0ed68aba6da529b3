package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.Emotion;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sentiment and emotion of a conversation. It follows the customer: agent messages do not count,
 * and recent customer messages weigh more than old ones (each step back counts 0.6 as much).
 */
public final class LocalSentimentAgent extends LocalAgent {

    static final double RECENCY = 0.6;
    static final double LABEL_THRESHOLD = 0.2;
    static final double MIXED_MINIMUM = 1.2;

    private final SentimentAnalyzer analyzer;

    public LocalSentimentAgent(SentimentAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    @Override
    public AgentKind kind() {
        return AgentKind.SENTIMENT;
    }

    @Override
    AgentOutput compute(ConversationUpdate update) {
        List<RecentMessage> customer = Text.fromCustomer(update.state().recentMessages());
        if (customer.isEmpty()) {
            return new SentimentResult(
                    SentimentLabel.NEUTRAL, 0, 0.5, Emotion.NEUTRAL, "no customer messages yet");
        }
        double weighted = 0;
        double weights = 0;
        double weight = 1;
        Set<String> cues = new LinkedHashSet<>();
        SentimentAnalyzer.Scores latest = null;
        for (int i = customer.size() - 1; i >= 0; i--) {
            SentimentAnalyzer.Scores s = analyzer.score(customer.get(i).message());
            if (latest == null) {
                latest = s;
            }
            weighted += s.compound() * weight;
            weights += weight;
            if (cues.size() < 8) {
                cues.addAll(s.cues().subList(0, Math.min(s.cues().size(), 8 - cues.size())));
            }
            weight *= RECENCY;
        }
        double score = weighted / weights;
        SentimentLabel label = label(score, latest);
        String text = customer.get(customer.size() - 1).message();
        Emotion emotion = emotion(label, text, latest);
        double confidence = cues.isEmpty() ? 0.6 : Math.min(0.95, 0.55 + Math.abs(score) * 0.4);
        String reasoning =
                cues.isEmpty()
                        ? "no sentiment cues in the customer's words"
                        : "customer cues: " + String.join(", ", cues);
        return new SentimentResult(label, round(score), round(confidence), emotion, reasoning);
    }

    /**
     * Positive, negative or neutral by the weighted score; mixed when the latest message holds
     * both.
     */
    static SentimentLabel label(double score, SentimentAnalyzer.Scores latest) {
        if (latest.positive() >= MIXED_MINIMUM && latest.negative() <= -MIXED_MINIMUM) {
            return SentimentLabel.MIXED;
        }
        if (score >= LABEL_THRESHOLD) {
            return SentimentLabel.POSITIVE;
        }
        if (score <= -LABEL_THRESHOLD) {
            return SentimentLabel.NEGATIVE;
        }
        return SentimentLabel.NEUTRAL;
    }

    static Emotion emotion(SentimentLabel label, String text, SentimentAnalyzer.Scores scores) {
        String lower = text.toLowerCase(Locale.ROOT);
        boolean negative = label == SentimentLabel.NEGATIVE || label == SentimentLabel.MIXED;
        if (negative
                && (Text.containsAny(
                                lower,
                                "furious",
                                "angry",
                                "outraged",
                                "disgust",
                                "unacceptable",
                                "ridiculous",
                                "worst",
                                "scam",
                                "joke",
                                "demand",
                                "lawyer",
                                "sue ")
                        || shouting(text))) {
            return Emotion.ANGRY;
        }
        if (negative
                && Text.containsAny(
                        lower,
                        "still",
                        "again",
                        "third time",
                        "fed up",
                        "sick of",
                        "frustrat",
                        "annoy",
                        "keep",
                        "every time",
                        "forever",
                        "waiting",
                        "how long",
                        "so long")) {
            return Emotion.FRUSTRATED;
        }
        if (Text.containsAny(
                lower,
                "worried",
                "concerned",
                "nervous",
                "anxious",
                "scared",
                "afraid",
                "urgent",
                "asap",
                "fraud",
                "someone else",
                "hacked")) {
            return Emotion.ANXIOUS;
        }
        if (negative
                && Text.containsAny(
                        lower,
                        "disappoint",
                        "let down",
                        "expected better",
                        "expected much better",
                        "unfortunately",
                        "sad")) {
            return Emotion.DISAPPOINTED;
        }
        if (Text.containsAny(
                lower,
                "confused",
                "don't understand",
                "dont understand",
                "unclear",
                "makes no sense",
                "??")) {
            return Emotion.CONFUSED;
        }
        if (negative) {
            return Emotion.FRUSTRATED;
        }
        if (label == SentimentLabel.POSITIVE) {
            return scores.politePositive() > 0 || Text.containsAny(lower, "grateful", "thank")
                    ? Emotion.GRATEFUL
                    : Emotion.SATISFIED;
        }
        return Emotion.NEUTRAL;
    }

    /** Several words in capitals in otherwise mixed-case text. */
    private static boolean shouting(String text) {
        int caps = 0;
        for (String word : text.split("\\s+")) {
            if (word.length() > 2
                    && word.chars()
                            .allMatch(c -> !Character.isLetter(c) || Character.isUpperCase(c))
                    && word.chars().anyMatch(Character::isLetter)) {
                caps++;
            }
        }
        return caps >= 2;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
