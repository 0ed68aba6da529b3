package io.signalstream.job.agents.gemini;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Releases requests at a fixed rate, taking turns between tenants so one busy tenant cannot starve
 * the others. Permits are spaced evenly ({@code 60 s / requestsPerMinute} apart) rather than handed
 * out in bursts, so no window of a minute ever holds more than the budget. A server's {@code
 * Retry-After} pauses all releases until it has passed.
 *
 * <p>Each parallel subtask owns one limiter with its share of the job's budget; the shares add up
 * to the job's limit.
 */
public final class FairRateLimiter implements AutoCloseable {

    /** A request waiting for its turn; {@link #cancel} takes it out of the queue. */
    public static final class Ticket {
        private final String tenant;
        private final Runnable task;

        private Ticket(String tenant, Runnable task) {
            this.tenant = tenant;
            this.task = task;
        }
    }

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, ArrayDeque<Ticket>> queues = new HashMap<>();

    /** Tenants with waiting requests, in the order they get their next turn. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();

    private long nextPermitAt;
    private long pausedUntil;
    private boolean drainScheduled;

    /**
     * @param requestsPerMinute this limiter's share of the budget; may be fractional
     * @param scheduler runs releases; null for a limiter driven only through {@link #due(long)}
     */
    FairRateLimiter(
            double requestsPerMinute, LongSupplier nanoClock, ScheduledExecutorService scheduler) {
        if (!(requestsPerMinute > 0)) {
            throw new IllegalArgumentException("requests per minute must be positive");
        }
        this.intervalNanos = (long) Math.ceil(TimeUnit.MINUTES.toNanos(1) / requestsPerMinute);
        this.nanoClock = nanoClock;
        this.scheduler = scheduler;
        this.nextPermitAt = nanoClock.getAsLong();
        this.pausedUntil = nextPermitAt;
    }

    /** A limiter with its own release thread. */
    public static FairRateLimiter start(double requestsPerMinute, String threadName) {
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, threadName);
                            t.setDaemon(true);
                            return t;
                        });
        return new FairRateLimiter(requestsPerMinute, System::nanoTime, scheduler);
    }

    /**
     * Queues {@code task} for {@code tenant}; it runs on the limiter's thread when its turn comes.
     */
    public Ticket submit(String tenant, Runnable task) {
        Ticket ticket = new Ticket(tenant, task);
        synchronized (this) {
            ArrayDeque<Ticket> queue = queues.computeIfAbsent(tenant, t -> new ArrayDeque<>());
            if (queue.isEmpty()) {
                turns.addLast(tenant);
            }
            queue.addLast(ticket);
        }
        scheduleDrain(0);
        return ticket;
    }

    /** Takes a waiting request out of the queue; false if it has already been released. */
    public synchronized boolean cancel(Ticket ticket) {
        ArrayDeque<Ticket> queue = queues.get(ticket.tenant);
        if (queue == null || !queue.remove(ticket)) {
            return false;
        }
        if (queue.isEmpty()) {
            queues.remove(ticket.tenant);
            turns.remove(ticket.tenant);
        }
        return true;
    }

    /** Holds every release back for {@code delay}, e.g. a server's {@code Retry-After}. */
    public synchronized void pause(Duration delay) {
        pausedUntil = Math.max(pausedUntil, nanoClock.getAsLong() + delay.toNanos());
    }

    /** Requests waiting for a permit. */
    public synchronized int waiting() {
        int n = 0;
        for (ArrayDeque<Ticket> queue : queues.values()) {
            n += queue.size();
        }
        return n;
    }

    /**
     * Takes the requests whose permits are due at {@code now}, one per interval, tenants in turn.
     */
    synchronized List<Runnable> due(long now) {
        List<Runnable> released = new ArrayList<>();
        while (!turns.isEmpty() && now >= Math.max(nextPermitAt, pausedUntil)) {
            String tenant = turns.pollFirst();
            ArrayDeque<Ticket> queue = queues.get(tenant);
            released.add(queue.pollFirst().task);
            if (queue.isEmpty()) {
                queues.remove(tenant);
            } else {
                turns.addLast(tenant);
            }
            // Permits unused while idle are not banked: the next one is a full interval away.
            nextPermitAt = Math.max(nextPermitAt, now) + intervalNanos;
        }
        return released;
    }

    /** Nanoseconds from {@code now} until the next permit, or -1 when nothing waits. */
    synchronized long untilNext(long now) {
        return turns.isEmpty() ? -1 : Math.max(0, Math.max(nextPermitAt, pausedUntil) - now);
    }

    private void drain() {
        synchronized (this) {
            drainScheduled = false;
        }
        long now = nanoClock.getAsLong();
        for (Iterator<Runnable> it = due(now).iterator(); it.hasNext(); ) {
            it.next().run();
        }
        long wait = untilNext(nanoClock.getAsLong());
        if (wait >= 0) {
            scheduleDrain(wait);
        }
    }

    private void scheduleDrain(long delayNanos) {
        if (scheduler == null) {
            return;
        }
        synchronized (this) {
            if (drainScheduled || scheduler.isShutdown()) {
                return;
            }
            drainScheduled = true;
        }
        scheduler.schedule(this::drain, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
