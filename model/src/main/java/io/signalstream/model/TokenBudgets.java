package io.signalstream.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Each tenant's model token budget: tokens a minute and a day, for the whole job. {@code 0} means
 * no limit.
 *
 * @param perMinute {@code GEMINI_TENANT_TOKENS_PER_MINUTE}: every tenant's default
 * @param perDay {@code GEMINI_TENANT_TOKENS_PER_DAY}: every tenant's default (a UTC day), lowered
 *     by a cost cap when one is set
 * @param overrides {@code GEMINI_TENANT_BUDGETS}, e.g. {@code
 *     tenant-a=2000/min,tenant-b=500000/day} ({@code 0} lifts a default); a tenant named twice gets
 *     both limits
 * @param pricePerMillion {@code GEMINI_PRICE_PER_MILLION_TOKENS}: what a million tokens (input and
 *     output alike) cost, in any currency; with a cost cap, a day's budget follows from it
 * @param costPerDay {@code GEMINI_TENANT_COST_PER_DAY}: what one tenant may spend a day; 0 for no
 *     cap
 */
public record TokenBudgets(
        long perMinute,
        long perDay,
        Map<String, Limit> overrides,
        double pricePerMillion,
        double costPerDay)
        implements Serializable {

    /** One tenant's limits; {@code 0} for none. */
    public record Limit(long perMinute, long perDay) implements Serializable {

        public boolean unlimited() {
            return perMinute <= 0 && perDay <= 0;
        }
    }

    public static final TokenBudgets NONE = new TokenBudgets(0, 0, Map.of(), 0, 0);

    public TokenBudgets {
        overrides = Map.copyOf(overrides);
    }

    /** The budgets the environment sets ({@code GEMINI_TENANT_*}, as named above). */
    public static TokenBudgets fromEnvironment(Map<String, String> env) {
        return new TokenBudgets(
                number(env, "GEMINI_TENANT_TOKENS_PER_MINUTE"),
                number(env, "GEMINI_TENANT_TOKENS_PER_DAY"),
                parse(env.get("GEMINI_TENANT_BUDGETS")),
                decimal(env, "GEMINI_PRICE_PER_MILLION_TOKENS"),
                decimal(env, "GEMINI_TENANT_COST_PER_DAY"));
    }

    private static long number(Map<String, String> env, String name) {
        String v = env.get(name);
        try {
            return v == null || v.isBlank() ? 0 : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> env, String name) {
        String v = env.get(name);
        try {
            return v == null || v.isBlank() ? 0 : Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'");
        }
    }

    /** Reads {@code tenant=N/min,tenant=N/day,...}; a clear error names what is wrong. */
    public static Map<String, Limit> parse(String spec) {
        Map<String, Limit> limits = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return limits;
        }
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            int eq = e.indexOf('=');
            int slash = e.lastIndexOf('/');
            if (eq <= 0 || slash < eq) {
                throw new IllegalArgumentException(
                        "GEMINI_TENANT_BUDGETS: '"
                                + e
                                + "' is not tenant=<tokens>/min or tenant=<tokens>/day");
            }
            String tenant = e.substring(0, eq).strip();
            long tokens;
            try {
                tokens = Long.parseLong(e.substring(eq + 1, slash).strip().replace("_", ""));
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException(
                        "GEMINI_TENANT_BUDGETS: '"
                                + e
                                + "' does not give a whole number of tokens");
            }
            if (tokens < 0) {
                throw new IllegalArgumentException(
                        "GEMINI_TENANT_BUDGETS: '" + e + "' gives a negative budget");
            }
            Limit old = limits.getOrDefault(tenant, new Limit(-1, -1));
            Limit next =
                    switch (e.substring(slash + 1).strip().toLowerCase(Locale.ROOT)) {
                        case "min", "minute" -> new Limit(tokens, old.perDay());
                        case "day" -> new Limit(old.perMinute(), tokens);
                        default ->
                                throw new IllegalArgumentException(
                                        "GEMINI_TENANT_BUDGETS: '"
                                                + e
                                                + "' must end in /min or /day");
                    };
            limits.put(tenant, next);
        }
        return limits;
    }

    /** The tenant's limits for the whole job: its overrides over the defaults and the cost cap. */
    public Limit limit(String tenant) {
        Limit own = overrides.get(tenant);
        long minute = own == null || own.perMinute() < 0 ? perMinute : own.perMinute();
        long day = own == null || own.perDay() < 0 ? perDay : own.perDay();
        if (costPerDay > 0 && pricePerMillion > 0) {
            long byCost = (long) Math.floor(costPerDay / pricePerMillion * 1_000_000);
            day = day <= 0 ? byCost : Math.min(day, byCost);
        }
        return new Limit(minute, day);
    }

    public boolean any() {
        return perMinute > 0
                || perDay > 0
                || (costPerDay > 0 && pricePerMillion > 0)
                || overrides.values().stream().anyMatch(l -> l.perMinute() > 0 || l.perDay() > 0);
    }

    /** Fails with what is wrong when the settings cannot work together. */
    public void check() {
        require(
                perMinute >= 0 && perDay >= 0,
                "GEMINI_TENANT_TOKENS_PER_MINUTE and _PER_DAY must not be negative");
        require(
                pricePerMillion >= 0 && costPerDay >= 0,
                "GEMINI_PRICE_PER_MILLION_TOKENS and GEMINI_TENANT_COST_PER_DAY must not be"
                        + " negative");
        require(
                costPerDay <= 0 || pricePerMillion > 0,
                "GEMINI_TENANT_COST_PER_DAY needs GEMINI_PRICE_PER_MILLION_TOKENS");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
