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

    @Test
    void aMinuteBudgetRefusesWhatItCannotHoldAndRefillsOverTheMinute() {
        TokenLedger ledger = ledger("small=3000/min", 1);
        assertThat(ledger.reserve("small", 2_500)).isNull();
        ledger.settle("small", 2_500, 2_000);
        assertThat(ledger.reserve("small", 2_500))
                .contains("tenant token budget spent", "1000 of 3000 tokens a minute");
        assertThat(ledger.reserve("other", 1_000_000)).as("other tenants: no limit").isNull();

        now.addAndGet(30_000); // half a minute refills half the budget
        assertThat(ledger.reserve("small", 2_500)).isNull();
        assertThat(ledger.usage("small").minuteAvailable()).isEqualTo(0);
    }

    @Test
    void aCallThatWasNotAnsweredGivesItsReservationBack() {
        TokenLedger ledger = ledger("t=5000/day", 1);
        assertThat(ledger.reserve("t", 4_000)).isNull();
        ledger.settle("t", 4_000, 0);
        assertThat(ledger.usage("t").usedToday()).isZero();
        assertThat(ledger.reserve("t", 4_000)).isNull();
        ledger.settle("t", 4_000, 4_000);
        assertThat(ledger.reserve("t", 1_001)).contains("4000 of 5000 tokens used today");
        assertThat(ledger.reserve("t", 1_000)).isNull();
    }

    @Test
    void theDayResetsAtMidnightUtcAndSurvivesARestoreAtAnyParallelism() {
        TokenLedger a = ledger("t=10000/day", 0.5);
        TokenLedger b = ledger("t=10000/day", 0.5);
        assertThat(a.reserve("t", 4_000)).isNull();
        assertThat(b.reserve("t", 2_000)).isNull();
        List<String> checkpoint = new java.util.ArrayList<>(a.snapshot());
        checkpoint.addAll(b.snapshot());

        TokenLedger alone = ledger("t=10000/day", 1);
        alone.restore(checkpoint);
        assertThat(alone.usage("t").usedToday()).isEqualTo(6_000);
        assertThat(alone.reserve("t", 4_001)).isNotNull();

        now.addAndGet(DAY);
        assertThat(alone.reserve("t", 9_000)).as("a new UTC day").isNull();
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
