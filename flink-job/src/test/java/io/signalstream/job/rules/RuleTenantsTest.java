package io.signalstream.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregator's view of which tenants have rules ({@code RuleTenantsITCase} reads Kafka). */
class RuleTenantsTest {

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void untilItHasReadTheTopicEveryTenantMayHaveRules() {
        RuleTenants view = RuleTenants.fedByHand();
        assertThat(view.loaded()).isFalse();
        assertThat(view.mayHaveRules("acme")).isTrue();
        view.apply(bytes("globex/r1"), bytes("{}"));
        assertThat(view.mayHaveRules("acme")).as("not read to the end yet").isTrue();

        view.caughtUp();
        assertThat(view.loaded()).isTrue();
        assertThat(view.mayHaveRules("acme")).isFalse();
        assertThat(view.mayHaveRules("globex")).isTrue();
    }

    @Test
    void aTenantHasRulesUntilItsLastRuleIsDeleted() {
        RuleTenants view = RuleTenants.fedByHand();
        view.caughtUp();
        view.apply(bytes("acme/r1"), bytes("{}"));
        view.apply(bytes("acme/r2"), bytes("{}"));
        view.apply(bytes("acme/r1"), null);
        assertThat(view.mayHaveRules("acme")).isTrue();
        view.apply(bytes("acme/r2"), null);
        assertThat(view.mayHaveRules("acme")).isFalse();
        // a deletion of a rule never seen changes nothing
        view.apply(bytes("acme/r3"), null);
        assertThat(view.mayHaveRules("acme")).isFalse();
        // a rule's new version is still one rule
        view.apply(bytes("acme/r4"), bytes("{}"));
        view.apply(bytes("acme/r4"), bytes("{\"changed\":true}"));
        view.apply(bytes("acme/r4"), null);
        assertThat(view.mayHaveRules("acme")).isFalse();
    }

    @Test
    void keysTheRuleOperatorSkipsAreSkipped() {
        RuleTenants view = RuleTenants.fedByHand();
        view.caughtUp();
        for (String key : new String[] {null, "", "acme", "/r1", "acme/", "/"}) {
            view.apply(bytes(key), bytes("{}"));
        }
        assertThat(view.mayHaveRules("acme")).isFalse();
        assertThat(view.mayHaveRules("")).isFalse();
        // the id may hold a slash: the tenant is what comes before the first
        view.apply(bytes("acme/a/b"), bytes("{}"));
        assertThat(view.mayHaveRules("acme")).isTrue();
    }

    @Test
    void aViewThatLostTrackAnswersYesUntilReadAgain() {
        RuleTenants view = RuleTenants.of(List.of("acme"));
        assertThat(view.mayHaveRules("globex")).isFalse();
        view.lost();
        assertThat(view.mayHaveRules("globex")).isTrue();
        assertThat(view.loaded()).isFalse();
        view.caughtUp();
        assertThat(view.mayHaveRules("acme")).as("forgotten, read again from the start").isFalse();
    }

    @Test
    void withoutAViewEveryTenantMayHaveRules() {
        RuleTenants any = RuleTenants.any();
        any.open("test");
        assertThat(any.loaded()).isTrue();
        assertThat(any.mayHaveRules("acme")).isTrue();
        any.close();
    }
}
