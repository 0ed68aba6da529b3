package io.signalstream.job.agents.gemini;

import io.signalstream.model.TokenBudgets;
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
 *   <li>Per minute: a bucket of the minute's tokens, refilled continuously (a minute's worth over
 *       any minute), never holding more than a minute's worth.
 *   <li>Per day: a counter of the UTC day, kept in the operator's checkpoints so a restart does not
 *       hand a tenant its day again.
 * </ul>
 *
 * Each of {@code n} subtasks holds {@code 1/n} of each budget, as with the request limit.
 */
final class TokenLedger {

    /** What a tenant has used; {@code limit} 0 means none. */
    record Usage(long usedToday, long dayLimit, long minuteAvailable, long minuteLimit) {}

    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);
    private static final long MINUTE_MS = TimeUnit.MINUTES.toMillis(1);

    private static final class Account {
        final double minuteCapacity;
        final double dayLimit;
        double minuteTokens;
        long refilledAt;
        long day;
        long usedToday;

        Account(double minuteCapacity, double dayLimit, long now) {
            this.minuteCapacity = minuteCapacity;
            this.dayLimit = dayLimit;
            this.minuteTokens = minuteCapacity;
            this.refilledAt = now;
            this.day = now / DAY_MS;
        }

        void advance(long now) {
            if (minuteCapacity > 0) {
                minuteTokens =
                        Math.min(
                                minuteCapacity,
                                minuteTokens + (now - refilledAt) * minuteCapacity / MINUTE_MS);
            }
            refilledAt = now;
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

    /**
     * Reserves {@code tokens} for a call of {@code tenant}; null when reserved, else why not (the
     * call then goes to the local agents).
     */
    synchronized String reserve(String tenant, long tokens) {
        if (!budgets.any()) {
            return null;
        }
        Account a = account(tenant, millis.getAsLong());
        if (a.minuteCapacity > 0 && tokens > a.minuteTokens) {
            return String.format(
                    Locale.ROOT,
                    "tenant token budget spent: %d of %d tokens a minute left, the call may need %d",
                    (long) a.minuteTokens,
                    Math.round(a.minuteCapacity / share),
                    tokens);
        }
        if (a.dayLimit > 0 && a.usedToday + tokens > a.dayLimit) {
            return String.format(
                    Locale.ROOT,
                    "tenant token budget spent: %d of %d tokens used today (UTC), the call may"
                            + " need %d",
                    Math.round(a.usedToday / share),
                    Math.round(a.dayLimit / share),
                    tokens);
        }
        if (a.minuteCapacity > 0) {
            a.minuteTokens -= tokens;
        }
        a.usedToday += tokens;
        return null;
    }

    /** Replaces a reservation with what the call really cost (0 when it was not answered). */
    synchronized void settle(String tenant, long reserved, long used) {
        if (!budgets.any()) {
            return;
        }
        Account a = account(tenant, millis.getAsLong());
        if (a.minuteCapacity > 0) {
            a.minuteTokens = Math.min(a.minuteCapacity, a.minuteTokens + reserved - used);
        }
        a.usedToday = Math.max(0, a.usedToday - reserved + used);
    }

    synchronized Usage usage(String tenant) {
        Account a = account(tenant, millis.getAsLong());
        return new Usage(
                a.usedToday,
                (long) a.dayLimit,
                (long) Math.max(0, a.minuteTokens),
                (long) a.minuteCapacity);
    }

    /** Each tenant's use of the current day, for the checkpoint: {@code tenant\tday\tused}. */
    synchronized List<String> snapshot() {
        long today = millis.getAsLong() / DAY_MS;
        List<String> out = new ArrayList<>();
        accounts.forEach(
                (tenant, a) -> {
                    a.advance(millis.getAsLong());
                    if (a.day == today && a.usedToday > 0) {
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
