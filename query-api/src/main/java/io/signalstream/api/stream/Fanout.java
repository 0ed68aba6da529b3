package io.signalstream.api.stream;

import io.signalstream.api.feed.TopicFeed;
import io.signalstream.api.store.StoredAggregate;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every newer aggregate version to the WebSocket sessions that follow it: a tenant's live
 * list, or one conversation. Each version's frame is built once, from the stored bytes, and shared
 * by every session; the feed's thread only hands it over, one dispatcher thread queues it for each
 * session, and each session sends from its own virtual thread.
 *
 * <p>Nothing waits on a slow client: a session whose queue is full is closed ({@code 1008}, too far
 * behind), one whose send takes longer than the send timeout is cut off, and sessions over the caps
 * (in total and per tenant) are refused ({@code 1013}, try again later) with the reason.
 */
public final class Fanout implements TopicFeed.Listener, AutoCloseable {

    /**
     * @param maxSessions open sessions in total
     * @param maxSessionsPerTenant open sessions of one tenant
     * @param maxQueued frames waiting for one session before it is closed as too far behind
     * @param sendTimeout longest a single send may take before the session is cut off
     */
    public record Limits(
            int maxSessions, int maxSessionsPerTenant, int maxQueued, Duration sendTimeout) {

        public static final Limits DEFAULTS = new Limits(5_000, 1_000, 512, Duration.ofSeconds(10));

        public Limits {
            if (maxSessions < 1 || maxSessionsPerTenant < 1 || maxQueued < 1) {
                throw new IllegalArgumentException("WebSocket limits must be at least 1");
            }
            if (sendTimeout.isNegative() || sendTimeout.isZero()) {
                throw new IllegalArgumentException("the WebSocket send timeout must be positive");
            }
        }
    }

    /** Close code of a client too far behind. */
    public static final int TOO_FAR_BEHIND = 1008;

    /** Close code of a session refused by a cap. */
    public static final int OVER_CAPACITY = 1013;

    /** Where a session's frames go: the WebSocket connection. */
    public interface Connection {
        void send(String text);

        void close(int code, String reason);

        /** Drops the connection without a closing handshake. */
        void terminate();
    }

    /**
     * One version (or a removal) of one conversation, as the text every session sends.
     *
     * @param key {@code tenant/conversation}
     * @param epoch the aggregate's epoch; a removal's is {@link #REMOVAL}
     * @param version the aggregate's version within its epoch
     */
    public record Frame(String tenant, String key, long epoch, long version, String text) {

        /** The epoch of a removal frame. */
        static final long REMOVAL = -1;

        /** {@code {"type":"intelligence_update","data":<the stored aggregate>}}. */
        public static Frame update(StoredAggregate aggregate) {
            String json = new String(aggregate.json(), StandardCharsets.UTF_8);
            return new Frame(
                    ConversationKey.tenantOf(aggregate.key()),
                    aggregate.key(),
                    aggregate.epoch(),
                    aggregate.version(),
                    "{\"type\":\"intelligence_update\",\"data\":" + json + "}");
        }

        /** {@code {"type":"conversation_removed","conversation_id":"..."}}. */
        static Frame removed(String key) {
            String id = key.substring(key.indexOf('/') + 1);
            return new Frame(
                    ConversationKey.tenantOf(key),
                    key,
                    REMOVAL,
                    Long.MAX_VALUE,
                    "{\"type\":\"conversation_removed\",\"conversation_id\":\"" + id + "\"}");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);
    private static final Frame STOP = new Frame("", "", 0, 0, "");

    private final Limits limits;
    private final Map<String, List<Session>> byTenant = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong closedBehind = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final BlockingQueue<Frame> dispatch = new ArrayBlockingQueue<>(8_192);
    private final Thread dispatcher;
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("ws-send-watchdog").daemon().factory());

    public Fanout(Limits limits) {
        this.limits = limits;
        this.dispatcher =
                Thread.ofPlatform().name("ws-dispatch").daemon().start(this::dispatchLoop);
        long every = Math.max(50, limits.sendTimeout().toMillis() / 4);
        watchdog.scheduleWithFixedDelay(
                this::cutOffStuckSends, every, every, TimeUnit.MILLISECONDS);
    }

    /** A session that follows a tenant's conversations, or one of them. */
    public final class Session {
        private final String tenant;
        private final String key;
        private final Connection connection;
        private final BlockingQueue<Frame> queue;
        private volatile long sendingSince;
        private long sentEpoch = -1;
        private long sentVersion = -1;
        private volatile boolean closed;
        private final Thread sender;

        private Session(String tenant, String key, Connection connection) {
            this.tenant = tenant;
            this.key = key;
            this.connection = connection;
            this.queue = new ArrayBlockingQueue<>(limits.maxQueued());
            this.sender = Thread.ofVirtual().name("ws-send-" + tenant).unstarted(this::sendLoop);
        }

        boolean follows(Frame frame) {
            return key == null || key.equals(frame.key());
        }

        /** Queues a frame for this session only (its first snapshot). */
        public void offer(Frame frame) {
            if (closed) {
                return;
            }
            if (!queue.offer(frame)) {
                closedBehind.incrementAndGet();
                end(
                        TOO_FAR_BEHIND,
                        "too far behind: " + limits.maxQueued() + " updates not yet received");
            }
        }

        private void sendLoop() {
            try {
                while (!closed) {
                    Frame frame = queue.take();
                    if (frame == STOP) {
                        return;
                    }
                    if (key != null) {
                        // One conversation: its snapshot and the updates may cross; never go back.
                        // After a removal only a later life of the conversation is news.
                        if (frame.epoch() == Frame.REMOVAL) {
                            if (sentVersion == Long.MAX_VALUE) {
                                continue;
                            }
                            sentVersion = Long.MAX_VALUE;
                        } else if (AggregatedIntelligence.newer(
                                frame.epoch(), frame.version(), sentEpoch, sentVersion)) {
                            sentEpoch = frame.epoch();
                            sentVersion = frame.version();
                        } else {
                            continue;
                        }
                    }
                    sendingSince = System.nanoTime();
                    connection.send(frame.text());
                    sendingSince = 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("WebSocket send to {} failed: {}", tenant, e.toString());
                end(1011, "send failed");
            }
        }

        /** Closes the session from the server's side with {@code code} and {@code reason}. */
        void end(int code, String reason) {
            if (remove()) {
                Thread.ofVirtual().start(() -> closeQuietly(code, reason));
            }
        }

        private void closeQuietly(int code, String reason) {
            try {
                connection.close(code, reason);
            } catch (RuntimeException e) {
                LOG.debug("closing a WebSocket failed: {}", e.toString());
            }
        }

        /** The client left: forget the session. */
        public void closed() {
            remove();
        }

        private boolean remove() {
            if (closed) {
                return false;
            }
            synchronized (Fanout.this) {
                if (closed) {
                    return false;
                }
                closed = true;
                List<Session> sessions = byTenant.get(tenant);
                if (sessions != null) {
                    sessions.remove(this);
                    if (sessions.isEmpty()) {
                        byTenant.remove(tenant);
                    }
                }
                open.decrementAndGet();
            }
            queue.clear();
            queue.offer(STOP);
            return true;
        }
    }

    /**
     * Opens a session for {@code tenant} ({@code key} null for all its conversations), or refuses
     * it when a cap is reached: then the reason, and the caller closes with {@link #OVER_CAPACITY}.
     */
    public synchronized Admission open(String tenant, String key, Connection connection) {
        if (open.get() >= limits.maxSessions()) {
            refused.incrementAndGet();
            return new Admission(
                    null, "the server has " + limits.maxSessions() + " streams open, its limit");
        }
        List<Session> sessions =
                byTenant.computeIfAbsent(tenant, t -> new CopyOnWriteArrayList<>());
        if (sessions.size() >= limits.maxSessionsPerTenant()) {
            refused.incrementAndGet();
            return new Admission(
                    null,
                    "this tenant has "
                            + limits.maxSessionsPerTenant()
                            + " streams open, its limit");
        }
        Session session = new Session(tenant, key, connection);
        sessions.add(session);
        open.incrementAndGet();
        session.sender.start();
        return new Admission(session, null);
    }

    /** An open session, or why there is none. */
    public record Admission(Session session, String refusal) {
        public Optional<Session> admitted() {
            return Optional.ofNullable(session);
        }
    }

    @Override
    public void updated(StoredAggregate aggregate) {
        if (byTenant.containsKey(ConversationKey.tenantOf(aggregate.key()))) {
            publish(Frame.update(aggregate));
        }
    }

    @Override
    public void removed(String key) {
        if (byTenant.containsKey(ConversationKey.tenantOf(key))) {
            publish(Frame.removed(key));
        }
    }

    /**
     * Sends {@code text} to every session of {@code tenant} (a fan-out of tenant-wide events such
     * as alerts, where nothing is versioned).
     */
    public void broadcast(String tenant, String text) {
        if (byTenant.containsKey(tenant)) {
            publish(new Frame(tenant, "", 0, 0, text));
        }
    }

    private void publish(Frame frame) {
        try {
            dispatch.put(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatchLoop() {
        try {
            while (true) {
                Frame frame = dispatch.take();
                if (frame == STOP) {
                    return;
                }
                List<Session> sessions = byTenant.get(frame.tenant());
                if (sessions != null) {
                    for (Session s : sessions) {
                        if (s.follows(frame)) {
                            s.offer(frame);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cutOffStuckSends() {
        long now = System.nanoTime();
        for (List<Session> sessions : byTenant.values()) {
            for (Session s : sessions) {
                long since = s.sendingSince;
                if (since != 0 && now - since > limits.sendTimeout().toNanos() && s.remove()) {
                    timedOut.incrementAndGet();
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        try {
                                            s.connection.terminate();
                                        } catch (RuntimeException e) {
                                            LOG.debug("cutting off a WebSocket: {}", e.toString());
                                        }
                                    });
                }
            }
        }
    }

    /** Open sessions. */
    public int sessions() {
        return open.get();
    }

    /** Sessions refused by a cap, since start. */
    public long refused() {
        return refused.get();
    }

    /** Sessions closed as too far behind, since start. */
    public long closedBehind() {
        return closedBehind.get();
    }

    /** Sessions cut off by the send timeout, since start. */
    public long timedOut() {
        return timedOut.get();
    }

    public Limits limits() {
        return limits;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        dispatch.clear();
        dispatch.offer(STOP);
        for (List<Session> sessions : byTenant.values()) {
            for (Session s : sessions) {
                s.end(1001, "the server is stopping");
            }
        }
    }
}
