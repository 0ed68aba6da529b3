package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.model.TokenBudgets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each tenant's tokens, checked before each call. */
class TokenLedgerTest {

    private static final long DAY = 86_400_000L;
    private final AtomicLong now = new AtomicLong(20_000 * DAY + 3_600_000);

    private TokenLedger ledger(String spec, double share) {
        return new TokenLedger(
                new TokenBudgets(0, 0, TokenBudgets.parse(spec), 0, 0), share, now::get);
    }

    /** Reserves, then settles at {@code used}; the refusal, or null. */
    private static String call(TokenLedger ledger, String tenant, long reserve, long used) {
        TokenLedger.Reservation r = ledger.reserve(tenant, reserve);
        ledger.settle(r, used);
        return r.refused;
    }

    @Test
    void noWindowOfAMinuteHoldsMoreThanTheMinuteBudget() {
        TokenLedger ledger = ledger("small=3000/min", 1);
        assertThat(call(ledger, "small", 2_500, 2_000)).isNull();
        assertThat(ledger.reserve("small", 1_001).refused)
                .contains("tenant token budget spent", "2000 of 3000 tokens a minute used");
        now.addAndGet(10_000);
        assertThat(call(ledger, "small", 1_000, 1_000)).isNull();
        assertThat(ledger.reserve("other", 1_000_000).refused).as("no limit").isNull();

        now.addAndGet(30_000); // the window still holds both calls
        assertThat(ledger.reserve("small", 1).refused).isNotNull();
        now.addAndGet(21_000); // 61 s after the first call: it has left the window
        assertThat(ledger.usage("small").usedLastMinute()).isEqualTo(1_000);
        assertThat(call(ledger, "small", 2_000, 2_000)).isNull();
        assertThat(ledger.reserve("small", 1).refused).isNotNull();
    }

    @Test
    void aCallThatWasNotAnsweredGivesItsReservationBack() {
        TokenLedger ledger = ledger("t=5000/day", 1);
        assertThat(call(ledger, "t", 4_000, 0)).isNull();
        assertThat(ledger.usage("t").usedToday()).isZero();
        TokenLedger.Reservation pending = ledger.reserve("t", 4_000);
        assertThat(pending.refused).isNull();
        assertThat(ledger.reserve("t", 1_001).refused)
                .as("an answer not yet settled holds its reservation")
                .contains("4000 of 5000 tokens used today");
        ledger.settle(pending, 3_000);
        assertThat(ledger.reserve("t", 2_000).refused).isNull();
        assertThat(ledger.reserve("t", 1).refused).isNotNull();
    }

    @Test
    void theDayResetsAtMidnightUtcAndSurvivesARestoreAtAnyParallelism() {
        TokenLedger a = ledger("t=10000/day", 0.5);
        TokenLedger b = ledger("t=10000/day", 0.5);
        assertThat(call(a, "t", 4_000, 4_000)).isNull();
        assertThat(call(b, "t", 2_000, 2_000)).isNull();
        List<String> checkpoint = new java.util.ArrayList<>(a.snapshot());
        checkpoint.addAll(b.snapshot());

        TokenLedger alone = ledger("t=10000/day", 1);
        alone.restore(checkpoint);
        assertThat(alone.usage("t").usedToday()).isEqualTo(6_000);
        assertThat(alone.reserve("t", 4_001).refused).isNotNull();

        now.addAndGet(DAY);
        assertThat(alone.reserve("t", 9_000).refused).as("a new UTC day").isNull();
        TokenLedger stale = ledger("t=10000/day", 1);
        stale.restore(checkpoint);
        assertThat(stale.usage("t").usedToday()).as("yesterday's use is not restored").isZero();
    }

    @Test
    void budgetsComeFromDefaultsOverridesAndACostCap() {
        TokenBudgets budgets =
                new TokenBudgets(
                        1_000, 0, TokenBudgets.parse("a=2000/min, a=500000/day,b=0/min"), 0.5, 1.0);
        assertThat(budgets.limit("a")).isEqualTo(new TokenBudgets.Limit(2_000, 500_000));
        assertThat(budgets.limit("b")).isEqualTo(new TokenBudgets.Limit(0, 2_000_000));
        assertThat(budgets.limit("c")).isEqualTo(new TokenBudgets.Limit(1_000, 2_000_000));
        assertThat(TokenBudgets.fromEnvironment(Map.of()).any()).isFalse();
        assertThat(
                        TokenBudgets.fromEnvironment(Map.of("GEMINI_TENANT_BUDGETS", "x=10/day"))
                                .limit("x"))
                .isEqualTo(new TokenBudgets.Limit(0, 10));
        assertThatThrownBy(() -> TokenBudgets.parse("a=lots/min"))
                .hasMessageContaining("'a=lots/min' does not give a whole number");
        assertThatThrownBy(() -> TokenBudgets.parse("a=10/hour"))
                .hasMessageContaining("must end in /min or /day");
        assertThatThrownBy(() -> TokenBudgets.parse("a10"))
                .hasMessageContaining("is not tenant=<tokens>/min");
        assertThatThrownBy(() -> new TokenBudgets(0, 0, Map.of(), 0, 5).check())
                .hasMessageContaining("needs GEMINI_PRICE_PER_MILLION_TOKENS");
    }
}
