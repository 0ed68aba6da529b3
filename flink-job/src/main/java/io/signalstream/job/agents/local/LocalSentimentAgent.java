package io.signalstream.job.agents.local;

import io.signalstream.job.state.ConversationUpdate;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentOutput;
import io.signalstream.model.Emotion;
import io.signalstream.model.RecentMessage;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.SentimentResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lexicon sentiment with negation and intensifiers. The conversation's sentiment follows the
 * customer, weighting recent messages more; agent messages do not count.
 */
public final class LocalSentimentAgent extends LocalAgent {

    private static final Map<String, Double> LEXICON =
            Map.ofEntries(
                    Map.entry("great", 0.8),
                    Map.entry("good", 0.6),
                    Map.entry("excellent", 0.9),
                    Map.entry("love", 0.8),
                    Map.entry("thanks", 0.5),
                    Map.entry("thank", 0.5),
                    Map.entry("happy", 0.7),
                    Map.entry("perfect", 0.9),
                    Map.entry("awesome", 0.9),
                    Map.entry("helpful", 0.6),
                    Map.entry("works", 0.4),
                    Map.entry("resolved", 0.5),
                    Map.entry("appreciate", 0.7),
                    Map.entry("fine", 0.2),
                    Map.entry("nice", 0.5),
                    Map.entry("bad", -0.6),
                    Map.entry("terrible", -0.9),
                    Map.entry("awful", -0.9),
                    Map.entry("angry", -0.8),
                    Map.entry("furious", -1.0),
                    Map.entry("hate", -0.9),
                    Map.entry("worst", -1.0),
                    Map.entry("broken", -0.6),
                    Map.entry("useless", -0.8),
                    Map.entry("ridiculous", -0.8),
                    Map.entry("unacceptable", -0.9),
                    Map.entry("disappointed", -0.7),
                    Map.entry("frustrated", -0.7),
                    Map.entry("annoyed", -0.6),
                    Map.entry("waiting", -0.3),
                    Map.entry("problem", -0.4),
                    Map.entry("issue", -0.3),
                    Map.entry("wrong", -0.5),
                    Map.entry("late", -0.4),
                    Map.entry("never", -0.4),
                    Map.entry("refund", -0.2),
                    Map.entry("worried", -0.5),
                    Map.entry("confused", -0.4),
                    Map.entry("scam", -0.9),
                    Map.entry("damaged", -0.6),
                    Map.entry("missing", -0.5),
                    Map.entry("fail", -0.6),
                    Map.entry("failed", -0.6),
                    Map.entry("error", -0.4),
                    Map.entry("slow", -0.4));
    private static final Set<String> NEGATIONS =
            Set.of(
                    "not", "no", "never", "don't", "dont", "isn't", "isnt", "wasn't", "didn't",
                    "didnt", "can't", "cant", "won't", "nothing");
    private static final Map<String, Double> INTENSIFIERS =
            Map.of(
                    "very",
                    1.5,
                    "really",
                    1.4,
                    "extremely",
                    1.8,
                    "so",
                    1.3,
                    "totally",
                    1.5,
                    "slightly",
                    0.5,
                    "somewhat",
                    0.6,
                    "a",
                    1.0);

    @Override
    public AgentKind kind() {
        return AgentKind.SENTIMENT;
    }

    @Override
    AgentOutput compute(ConversationUpdate update) {
        List<RecentMessage> customer = Text.fromCustomer(update.state().recentMessages());
        if (customer.isEmpty()) {
            return new SentimentResult(
                    SentimentLabel.NEUTRAL, 0, 0.3, Emotion.NEUTRAL, "no customer messages yet");
        }
        double weighted = 0;
        double weights = 0;
        boolean sawPositive = false;
        boolean sawNegative = false;
        List<String> cues = new ArrayList<>();
        for (int i = 0; i < customer.size(); i++) {
            Scored s = score(customer.get(i).message(), cues);
            double weight = 1.0 + i; // later messages weigh more
            weighted += s.score * weight;
            weights += weight;
            sawPositive |= s.positive;
            sawNegative |= s.negative;
        }
        double score = Math.max(-1, Math.min(1, weighted / weights));
        SentimentLabel label;
        if (sawPositive && sawNegative && Math.abs(score) < 0.25) {
            label = SentimentLabel.MIXED;
        } else if (score > 0.15) {
            label = SentimentLabel.POSITIVE;
        } else if (score < -0.15) {
            label = SentimentLabel.NEGATIVE;
        } else {
            label = SentimentLabel.NEUTRAL;
        }
        String latest = customer.get(customer.size() - 1).message().toLowerCase();
        Emotion emotion = emotion(label, latest);
        String reasoning =
                cues.isEmpty()
                        ? "no sentiment cues"
                        : "cues: " + String.join(", ", cues.subList(0, Math.min(cues.size(), 8)));
        double confidence =
                Math.min(0.95, 0.4 + Math.abs(score) * 0.5 + Math.min(cues.size(), 4) * 0.05);
        return new SentimentResult(label, round(score), round(confidence), emotion, reasoning);
    }

    private static Emotion emotion(SentimentLabel label, String latest) {
        if (Text.containsAny(
                latest, "furious", "angry", "unacceptable", "ridiculous", "worst", "scam")) {
            return Emotion.ANGRY;
        }
        if (Text.containsAny(
                latest, "still waiting", "again", "third time", "frustrat", "annoyed")) {
            return Emotion.FRUSTRATED;
        }
        if (Text.containsAny(latest, "worried", "urgent", "asap", "scared", "afraid")) {
            return Emotion.ANXIOUS;
        }
        if (Text.containsAny(latest, "confused", "don't understand", "not sure how", "unclear")) {
            return Emotion.CONFUSED;
        }
        if (Text.containsAny(latest, "disappoint")) {
            return Emotion.DISAPPOINTED;
        }
        if (label == SentimentLabel.POSITIVE) {
            return Text.containsAny(latest, "thank", "appreciate")
                    ? Emotion.GRATEFUL
                    : Emotion.SATISFIED;
        }
        return label == SentimentLabel.NEGATIVE ? Emotion.FRUSTRATED : Emotion.NEUTRAL;
    }

    private record Scored(double score, boolean positive, boolean negative) {}

    private static Scored score(String text, List<String> cues) {
        List<String> words = Text.words(text);
        double sum = 0;
        int hits = 0;
        boolean pos = false;
        boolean neg = false;
        for (int i = 0; i < words.size(); i++) {
            Double valence = LEXICON.get(words.get(i));
            if (valence == null) {
                continue;
            }
            double v = valence;
            String cue = words.get(i);
            if (i > 0 && INTENSIFIERS.containsKey(words.get(i - 1))) {
                v *= INTENSIFIERS.get(words.get(i - 1));
                cue = words.get(i - 1) + " " + cue;
            }
            for (int j = Math.max(0, i - 3); j < i; j++) {
                if (NEGATIONS.contains(words.get(j))) {
                    v = -v * 0.75;
                    cue = "negated " + cue;
                    break;
                }
            }
            cues.add(cue);
            sum += v;
            hits++;
            pos |= v > 0;
            neg |= v < 0;
        }
        double base = hits == 0 ? 0 : sum / Math.sqrt(hits * 1.0 + 1);
        if (text.contains("!") && base != 0) {
            base *= 1.2;
        }
        return new Scored(Math.max(-1, Math.min(1, base)), pos, neg);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
