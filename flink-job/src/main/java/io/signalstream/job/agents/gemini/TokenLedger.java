package io.signalstream.job.agents.gemini;

import io.signalstream.model.TokenBudgets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One subtask's part of every tenant's token budget, checked before each call. A call reserves what
 * it may cost at most (its estimated prompt and the whole output cap); the answer's real counts
 * replace the reservation, and a call that was not answered gives it back. So a tenant never spends
 * more than its budget, and what it did not use stays available.
 *
 * <ul>
 *   <li>Per minute: the tokens of the calls made in the last {@link #WINDOW_MS} (a sliding window a
 *       second longer than a minute, so the calls of any minute as the model's server sees them, a
 *       few milliseconds later, stay within the budget too).
 *   <li>Per day: a counter of the UTC day, kept in the operator's checkpoints so a restart does not
 *       hand a tenant its day again.
 * </ul>
 *
 * Each of {@code n} subtasks holds {@code 1/n} of each budget, as with the request limit.
 */
final class TokenLedger {

    /** What a tenant has used; a limit of 0 means none. */
    record Usage(long usedToday, long dayLimit, long usedLastMinute, long minuteLimit) {}

    /** A call's reservation; {@code refused} says why there is none. */
    static final class Reservation {
        final String tenant;
        final String refused;
        final long reserved;
        private final long[] entry;

        private Reservation(String tenant, String refused, long reserved, long[] entry) {
            this.tenant = tenant;
            this.refused = refused;
            this.reserved = reserved;
            this.entry = entry;
        }
    }

    static final long WINDOW_MS = TimeUnit.SECONDS.toMillis(61);
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

    private static final class Account {
        final double minuteLimit;
        final double dayLimit;

        /** {@code {atMs, tokens}} of each call in the window, oldest first. */
        final ArrayDeque<long[]> window = new ArrayDeque<>();

        long inWindow;
        long day;
        long usedToday;

        Account(double minuteLimit, double dayLimit, long now) {
            this.minuteLimit = minuteLimit;
            this.dayLimit = dayLimit;
            this.day = now / DAY_MS;
        }

        void advance(long now) {
            while (!window.isEmpty() && window.peekFirst()[0] <= now - WINDOW_MS) {
                inWindow -= window.pollFirst()[1];
            }
            if (now / DAY_MS != day) {
                day = now / DAY_MS;
                usedToday = 0;
            }
        }
    }

    private final TokenBudgets budgets;
    private final double share;
    private final LongSupplier millis;
    private final Map<String, Account> accounts = new HashMap<>();

    /**
     * @param share this subtask's part of each budget, {@code 1 / parallelism}
     * @param millis the wall clock, epoch milliseconds
     */
    TokenLedger(TokenBudgets budgets, double share, LongSupplier millis) {
        this.budgets = budgets;
        this.share = share;
        this.millis = millis;
    }

    private Account account(String tenant, long now) {
        Account a =
                accounts.computeIfAbsent(
                        tenant,
                        t -> {
                            TokenBudgets.Limit limit = budgets.limit(t);
                            return new Account(
                                    Math.max(0, limit.perMinute()) * share,
                                    Math.max(0, limit.perDay()) * share,
                                    now);
                        });
        a.advance(now);
        return a;
    }

    /** Reserves {@code tokens} for a call of {@code tenant}, or says why not. */
    synchronized Reservation reserve(String tenant, long tokens) {
        if (!budgets.any()) {
            return new Reservation(tenant, null, tokens, null);
        }
        long now = millis.getAsLong();
        Account a = account(tenant, now);
        if (a.minuteLimit > 0 && a.inWindow + tokens > a.minuteLimit) {
            return refused(tenant, a.inWindow, a.minuteLimit, "a minute used", tokens);
        }
        if (a.dayLimit > 0 && a.usedToday + tokens > a.dayLimit) {
            return refused(tenant, a.usedToday, a.dayLimit, "used today (UTC)", tokens);
        }
        long[] entry = {now, tokens};
        a.window.addLast(entry);
        a.inWindow += tokens;
        a.usedToday += tokens;
        return new Reservation(tenant, null, tokens, entry);
    }

    /**
     * No reservation, and why: the job-wide use and limit (this subtask's, scaled by its share) and
     * what the call may need.
     */
    private Reservation refused(
            String tenant, double used, double limit, String what, long tokens) {
        return new Reservation(
                tenant,
                String.format(
                        Locale.ROOT,
                        "tenant token budget spent: %d of %d tokens %s, the call may need %d",
                        Math.round(used / share),
                        Math.round(limit / share),
                        what,
                        tokens),
                0,
                null);
    }

    /** Replaces a reservation with what the call really cost (0 when it was not answered). */
    synchronized void settle(Reservation r, long used) {
        if (r.refused != null || r.entry == null) {
            return;
        }
        Account a = account(r.tenant, millis.getAsLong());
        if (a.window.contains(r.entry)) {
            a.inWindow += used - r.entry[1];
        }
        r.entry[1] = used;
        if (r.entry[0] / DAY_MS == a.day) {
            a.usedToday = Math.max(0, a.usedToday - r.reserved + used);
        }
    }

    synchronized Usage usage(String tenant) {
        Account a = account(tenant, millis.getAsLong());
        return new Usage(a.usedToday, (long) a.dayLimit, a.inWindow, (long) a.minuteLimit);
    }

    /** Each tenant's use of the current day, for the checkpoint: {@code tenant\tday\tused}. */
    synchronized List<String> snapshot() {
        long now = millis.getAsLong();
        List<String> out = new ArrayList<>();
        accounts.forEach(
                (tenant, a) -> {
                    a.advance(now);
                    if (a.usedToday > 0) {
                        out.add(tenant + "\t" + a.day + "\t" + a.usedToday);
                    }
                });
        return out;
    }

    /**
     * Restores the day's use from every subtask's entries: this subtask takes its share of the
     * total, so a change of parallelism keeps the day's total.
     */
    synchronized void restore(Iterable<String> entries) {
        long now = millis.getAsLong();
        Map<String, Long> totals = new HashMap<>();
        for (String entry : entries) {
            String[] parts = entry.split("\t");
            if (parts.length == 3 && Long.parseLong(parts[1]) == now / DAY_MS) {
                totals.merge(parts[0], Long.parseLong(parts[2]), Long::sum);
            }
        }
        totals.forEach(
                (tenant, total) -> account(tenant, now).usedToday = Math.round(total * share));
    }
}
