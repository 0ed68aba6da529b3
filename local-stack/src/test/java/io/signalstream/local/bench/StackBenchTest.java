package io.signalstream.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StackBenchTest {

    @Test
    void eachRoundIsComparedWithItsOwnTurn() {
        // the job's CPU per message in four rounds (their levels drift from round to round); in
        // the first, the run with analytics was slow and the one without fast
        List<Double> with = List.of(0.0542, 0.0488, 0.0499, 0.0584);
        List<Double> without = List.of(0.0420, 0.0480, 0.0488, 0.0560);

        List<Double> overheads = StackBench.pairedOverheads(with, without);

        assertThat(overheads)
                .satisfiesExactly(
                        o -> assertThat(o).isCloseTo(0.290, within(0.001)),
                        o -> assertThat(o).isCloseTo(0.017, within(0.001)),
                        o -> assertThat(o).isCloseTo(0.023, within(0.001)),
                        o -> assertThat(o).isCloseTo(0.043, within(0.001)));
        // the rounds' median stays with the three alike; the medians' ratio follows the slow round
        assertThat(StackBench.median(overheads)).isCloseTo(0.033, within(0.001));
        assertThat(StackBench.median(with) / StackBench.median(without) - 1)
                .isCloseTo(0.075, within(0.001));
    }

    @Test
    void roundsThatDoNotPairAreRefused() {
        assertThatThrownBy(() -> StackBench.pairedOverheads(List.of(1.0, 2.0), List.of(1.0)))
                .hasMessageContaining("2 rounds with, 1 without");
    }
}
