package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The quality targets on the held-out test split of the labelled sets (see {@code make eval} and
 * docs/quality.md). A change to the rules that makes them worse fails the build.
 */
class QualityTest {

    @Test
    void offlineAgentsMeetTheirTargetsOnTheTestSplit() throws Exception {
        Evaluation.Report test = new Evaluation().run(true);
        assertThat(test.intentMacroF1()).as("intent macro-F1").isGreaterThanOrEqualTo(0.80);
        assertThat(test.sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(0.85);
        assertThat(test.piiPrecision()).as("PII precision").isGreaterThanOrEqualTo(0.98);
        assertThat(test.piiRecall()).as("PII recall").isGreaterThanOrEqualTo(0.98);
    }
}
