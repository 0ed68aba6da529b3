package io.signalstream.job.agents.local;

import io.signalstream.job.conversation.ContextFold;
import io.signalstream.job.records.ConversationContext;
import io.signalstream.job.records.InboundMessage;
import io.signalstream.job.records.MessageSignals;
import io.signalstream.job.records.ResponseTimes;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.Intent;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds one message into a conversation's {@link ConversationContext}: constant work and a bounded
 * result, however long the conversation. The sentiment is an exponentially weighted mean over the
 * customer's messages (each older one counts {@value #RECENCY} times the next), so no earlier
 * message needs to be read again.
 */
public final class LocalContextFold implements ContextFold {
    private static final long serialVersionUID = 1L;

    /** How much each older customer message counts against the next one. */
    public static final double RECENCY = 0.6;

    static final int MAX_CUES = 8;
    static final int FIRST_LINE = 160;
    static final int LATEST_LINE = 120;
    static final int KEY_POINT = 100;
    static final int KEY_POINTS = 3;

    /** Personal data entities the aggregate lists per conversation; the newest are kept. */
    private final int maxEntities;

    /** Points of the sentiment trend kept; the newest. */
    private final int trendPoints;

    /** The aggregate's lists at their most. */
    public LocalContextFold() {
        this(AggregatedIntelligence.MAX_PII_ENTITIES, AggregatedIntelligence.MAX_TREND_POINTS);
    }

    /**
     * @param maxEntities personal data entities kept per conversation, the newest
     * @param trendPoints points of the sentiment trend kept, the newest
     */
    public LocalContextFold(int maxEntities, int trendPoints) {
        this.maxEntities = maxEntities;
        this.trendPoints = trendPoints;
    }

    /** The context of a conversation with no message yet. */
    public static ConversationContext empty() {
        return new ConversationContext(
                0,
                0,
                0,
                null,
                null,
                List.of(),
                Intent.GENERAL_INQUIRY,
                new long[MessageAnalyzer.REASONS.size()],
                0,
                new long[MessageAnalyzer.TOPICS.length],
                0,
                0,
                null,
                null,
                List.of(),
                null,
                false,
                List.of(),
                List.of(),
                ResponseTimes.NONE);
    }

    /** The context after {@code message}, the conversation's {@code seq}-th message. */
    @Override
    public ConversationContext next(
            ConversationContext previous, InboundMessage message, long seq) {
        ConversationContext c = previous == null ? empty() : previous;
        MessageSignals s = message.signals();
        List<PiiEntity> entities = c.entities();
        long piiSeq = c.piiSeq();
        if (!message.pii().isEmpty()) {
            entities = newest(c.entities(), message.pii(), maxEntities);
            piiSeq = seq;
        }
        String line = message.sender().wireName() + ": " + Text.clip(message.text(), KEY_POINT);
        List<String> keyPoints = newest(c.keyPoints(), List.of(line), KEY_POINTS);
        if (message.sender() != Sender.CUSTOMER) {
            // only whether it says the problem is solved: the parse stage reads no more of it
            // (MessageAnalyzer.analyzeReply)
            return new ConversationContext(
                    c.sentimentSum(),
                    c.sentimentWeight(),
                    c.latestCustomerSeq(),
                    c.latestCustomer(),
                    c.latestCustomerLine(),
                    c.cues(),
                    c.intent(),
                    c.reasonSeq(),
                    c.urgentSeq(),
                    c.topicSeq(),
                    piiSeq,
                    c.firstCustomerSeq(),
                    c.firstCustomerLine(),
                    c.firstCustomerIntent(),
                    keyPoints,
                    message.sender(),
                    s.resolved(),
                    c.trend(),
                    entities,
                    c.times());
        }
        double sum = s.compound() + RECENCY * c.sentimentSum();
        double weight = 1 + RECENCY * c.sentimentWeight();
        long[] reasonSeq = c.reasonSeq().clone();
        if (s.reason() >= 0 && s.reason() < reasonSeq.length) {
            reasonSeq[s.reason()] = seq;
        }
        long[] topicSeq = c.topicSeq().clone();
        for (int t = 0; t < topicSeq.length; t++) {
            if ((s.topics() & (1 << t)) != 0) {
                topicSeq[t] = seq;
            }
        }
        boolean first = c.firstCustomerLine() == null;
        return new ConversationContext(
                sum,
                weight,
                seq,
                s,
                Text.clip(message.text(), LATEST_LINE),
                newestFirst(s.cues(), c.cues(), MAX_CUES),
                movesIntent(s, c) ? s.intent() : c.intent(),
                reasonSeq,
                s.urgent() ? seq : c.urgentSeq(),
                topicSeq,
                piiSeq,
                first ? seq : c.firstCustomerSeq(),
                first ? Text.clip(message.text(), FIRST_LINE) : c.firstCustomerLine(),
                first ? s.intent() : c.firstCustomerIntent(),
                keyPoints,
                Sender.CUSTOMER,
                s.resolved(),
                newest(
                        c.trend(),
                        List.of(new SentimentPoint(seq, round(sum / weight))),
                        trendPoints),
                entities,
                c.times());
    }

    /** {@code older} followed by {@code newer}, keeping the last {@code max}: one copy. */
    @SuppressWarnings("unchecked")
    private static <T> List<T> newest(List<T> older, List<T> newer, int max) {
        int skip = Math.max(0, older.size() + newer.size() - max);
        Object[] kept = new Object[older.size() + newer.size() - skip];
        int n = 0;
        for (int i = skip; i < older.size(); i++) {
            kept[n++] = older.get(i);
        }
        for (int i = Math.max(0, skip - older.size()); i < newer.size(); i++) {
            kept[n++] = newer.get(i);
        }
        return (List<T>) List.of(kept);
    }

    /** {@code newer} then {@code older}, the first {@code max}. */
    private static List<String> newestFirst(List<String> newer, List<String> older, int max) {
        if (newer.isEmpty() && older.size() <= max) {
            return List.copyOf(older); // no new cues: the same list when it cannot change
        }
        List<String> all = new ArrayList<>(Math.min(max, newer.size() + older.size()));
        for (String cue : newer) {
            if (all.size() < max && !all.contains(cue)) {
                all.add(cue);
            }
        }
        for (String cue : older) {
            if (all.size() < max && !all.contains(cue)) {
                all.add(cue);
            }
        }
        return List.copyOf(all);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** A firm intent replaces the conversation's; a tentative one only fills an empty one. */
    private static boolean movesIntent(MessageSignals s, ConversationContext c) {
        if (s.intent() == Intent.GENERAL_INQUIRY) {
            return false;
        }
        return !s.has(MessageSignals.INTENT_TENTATIVE)
                || c.intent() == null
                || c.intent() == Intent.GENERAL_INQUIRY;
    }
}
