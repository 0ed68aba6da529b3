package io.signalstream.job.aggregate;

import io.signalstream.job.records.AgentResults;
import io.signalstream.job.records.AgentRun;
import io.signalstream.job.records.ModelParts;
import io.signalstream.model.AgentKind;
import io.signalstream.model.AgentStatus;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.SentimentPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the agents' answers into the conversation's aggregate, one version per input, numbered by
 * the input (never by timing), so a replay republishes the same versions:
 *
 * <ul>
 *   <li>the local provider answers every agent for every message: the aggregate of message {@code
 *       n} is that answer, version {@code n × 1000}; nothing is kept between messages;
 *   <li>a model provider answers apart from the messages: a message's local part gives version
 *       {@code n × 1000} with the model's newest parts, and each model answer after it raises the
 *       version by one. The parts are kept in {@link ModelParts}; the newest result per agent wins
 *       by {@code seq}.
 * </ul>
 */
public final class AggregateBuilder {

    /** Personal data entities a model found, kept per conversation; the newest are kept. */
    private final int maxModelEntities;

    /** Points of the sentiment trend kept; the newest. */
    private final int trendPoints;

    /** The aggregate's lists at their most. */
    public AggregateBuilder() {
        this(AggregatedIntelligence.MAX_PII_ENTITIES, AggregatedIntelligence.MAX_TREND_POINTS);
    }

    /**
     * @param maxModelEntities personal data entities a model found kept per conversation, the
     *     newest
     * @param trendPoints points of the sentiment trend kept, the newest
     */
    public AggregateBuilder(int maxModelEntities, int trendPoints) {
        this.maxModelEntities = maxModelEntities;
        this.trendPoints = trendPoints;
    }

    /** The parts to keep and the aggregate to write (null when there is nothing new to say). */
    public record Step(ModelParts parts, AggregatedIntelligence aggregate) {}

    /** The aggregate of a complete answer (the local provider's). */
    public AggregatedIntelligence complete(AgentResults r, Instant now) {
        long seq = r.request().seq();
        return new AggregatedIntelligence(
                r.request().tenantId(),
                r.request().conversationId(),
                AggregatedIntelligence.versionOf(seq),
                seq,
                r.sentiment(),
                r.pii(),
                r.insights(),
                r.summary(),
                r.reply(),
                statuses(r.runs()),
                now,
                r.request().context() == null ? List.of() : r.request().context().trend(),
                r.request().epoch());
    }

    /** A message's local part under a model provider: the model's parts stand as they are. */
    public Step message(ModelParts stored, AgentResults r, Instant now) {
        ModelParts p = stored == null ? ModelParts.EMPTY : stored;
        long seq = r.request().seq();
        long version = Math.max(AggregatedIntelligence.versionOf(seq), p.version() + 1);
        List<PiiEntity> local =
                r.request().context() == null ? List.of() : r.request().context().entities();
        List<PiiEntity> modelPii = p.modelPii();
        PiiResult pii = r.pii();
        if (pii != null) {
            Set<PiiEntity> known = new HashSet<>(local);
            List<PiiEntity> found = new ArrayList<>();
            for (PiiEntity e : pii.entities()) {
                if (!known.contains(e)) {
                    found.add(e); // not the local detector's: a model found it
                }
            }
            modelPii = newest(modelPii, found, maxModelEntities);
            List<PiiEntity> all = new ArrayList<>(local);
            all.addAll(modelPii);
            pii = new PiiResult(!all.isEmpty(), List.copyOf(all), pii.redactedMessage());
        }
        ModelParts next =
                new ModelParts(
                        version,
                        p.sentiment(),
                        pii == null ? p.pii() : pii,
                        p.insights(),
                        p.summary(),
                        p.reply(),
                        merged(p.runs(), r.runs()),
                        p.trend(),
                        modelPii);
        return new Step(next, aggregate(r, next, seq, now));
    }

    /** A model's answer: the newer parts replace the older ones, the version rises by one. */
    public Step answer(ModelParts stored, AgentResults r, Instant now) {
        ModelParts p = stored == null ? ModelParts.EMPTY : stored;
        if (r.runs().isEmpty()) {
            return new Step(p, null); // a call a newer one covers: nothing to add
        }
        Map<AgentKind, AgentRun> newest = byAgent(p.runs());
        var sentiment = p.sentiment();
        var insights = p.insights();
        var summary = p.summary();
        var reply = p.reply();
        List<SentimentPoint> trend = p.trend();
        List<AgentRun> accepted = new ArrayList<>();
        for (AgentRun run : r.runs()) {
            AgentRun before = newest.get(run.agent());
            if (!run.answered() || (before != null && before.seq() > run.seq())) {
                continue; // failed, or older than what is shown
            }
            accepted.add(run);
            switch (run.agent()) {
                case SENTIMENT -> {
                    sentiment = r.sentiment();
                    trend =
                            newest(
                                    trend,
                                    List.of(new SentimentPoint(run.seq(), sentiment.score())),
                                    trendPoints);
                }
                case INSIGHTS -> insights = r.insights();
                case SUMMARY -> summary = r.summary();
                case REPLY -> reply = r.reply();
                case PII -> {}
            }
        }
        if (accepted.isEmpty()) {
            return new Step(p, null);
        }
        long count = Math.max(p.version() / AggregatedIntelligence.REVISIONS_PER_MESSAGE, 1);
        long version = p.version() + 1;
        ModelParts next =
                new ModelParts(
                        version,
                        sentiment,
                        p.pii(),
                        insights,
                        summary,
                        reply,
                        merged(p.runs(), accepted),
                        trend,
                        p.modelPii());
        if (version % AggregatedIntelligence.REVISIONS_PER_MESSAGE == 0) {
            // A thousand answers for one message: keep them for the next message's version
            // rather than take a version that belongs to it.
            return new Step(
                    new ModelParts(
                            p.version(),
                            sentiment,
                            p.pii(),
                            insights,
                            summary,
                            reply,
                            next.runs(),
                            trend,
                            p.modelPii()),
                    null);
        }
        return new Step(next, aggregate(r, next, count, now));
    }

    private static AggregatedIntelligence aggregate(
            AgentResults r, ModelParts p, long messageCount, Instant now) {
        return new AggregatedIntelligence(
                r.request().tenantId(),
                r.request().conversationId(),
                p.version(),
                messageCount,
                p.sentiment(),
                p.pii(),
                p.insights(),
                p.summary(),
                p.reply(),
                statuses(p.runs()),
                now,
                p.trend(),
                r.request().epoch());
    }

    /** The status of each agent that answered, by its wire name. */
    static Map<String, AgentStatus> statuses(List<AgentRun> runs) {
        Map<String, AgentStatus> statuses = new LinkedHashMap<>();
        for (AgentRun run : runs) {
            if (run.answered()) {
                statuses.put(run.agent().wireName(), run.status());
            }
        }
        return statuses;
    }

    /** The newest run of each agent, {@code newer} winning over {@code older}. */
    private static List<AgentRun> merged(List<AgentRun> older, List<AgentRun> newer) {
        Map<AgentKind, AgentRun> byAgent = byAgent(older);
        for (AgentRun run : newer) {
            if (run.answered()) {
                byAgent.put(run.agent(), run);
            }
        }
        return List.copyOf(byAgent.values());
    }

    private static Map<AgentKind, AgentRun> byAgent(List<AgentRun> runs) {
        Map<AgentKind, AgentRun> byAgent = new EnumMap<>(AgentKind.class);
        for (AgentRun run : runs) {
            byAgent.put(run.agent(), run);
        }
        return byAgent;
    }

    private static <T> List<T> newest(List<T> older, List<T> newer, int max) {
        if (newer.isEmpty()) {
            return older;
        }
        List<T> all = new ArrayList<>(older.size() + newer.size());
        all.addAll(older);
        all.addAll(newer);
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }
}
