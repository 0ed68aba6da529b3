package io.signalstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalstream.api.ApiKeys.Caller;
import io.signalstream.api.ApiKeys.Scope;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void aKeyWithoutScopesMayIngestAndReadButNotErase() {
        Caller caller = ApiKeys.parse("k1=acme").callerOf("k1").orElseThrow();
        assertThat(caller.tenant()).isEqualTo("acme");
        assertThat(caller.scopes()).containsExactlyInAnyOrder(Scope.INGEST, Scope.READ);
    }

    @Test
    void scopesFollowTheTenant() {
        ApiKeys keys =
                ApiKeys.parse("composer=acme/ingest, board=acme/read, ops=acme/ingest+READ+admin");
        assertThat(keys.callerOf("composer").orElseThrow().scopes())
                .isEqualTo(Set.of(Scope.INGEST));
        assertThat(keys.callerOf("board").orElseThrow().scopes()).isEqualTo(Set.of(Scope.READ));
        assertThat(keys.callerOf("ops").orElseThrow().scopes())
                .isEqualTo(Set.of(Scope.INGEST, Scope.READ, Scope.ADMIN));
        assertThat(keys.callerOf("nobody")).isEmpty();
    }

    @Test
    void aHashedLineKeepsItsScopes() {
        ApiKeys keys = ApiKeys.parse(ApiKeys.hashedLine("secret", "acme/read"));
        assertThat(keys.callerOf("secret").orElseThrow().scopes()).isEqualTo(Set.of(Scope.READ));
    }

    @Test
    void anUnknownScopeIsNamed() {
        assertThatThrownBy(() -> ApiKeys.parse("k=acme/write"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'write'")
                .hasMessageContaining("ingest, read and admin");
    }

    @Test
    void aTenantThatLooksLikeAKeyIsRefusedWithoutPrintingIt() {
        String generated = ApiKeys.generate();
        for (String spec :
                new String[] {
                    "acme=" + generated,
                    "acme=sha256:" + "ab".repeat(32),
                    "acme=Zq8vN3kT0pLx7RwY2mB5cH9dJ4fG6sA1"
                }) {
            assertThatThrownBy(() -> ApiKeys.parse(spec))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("looks like an API key")
                    .hasMessageNotContaining(generated);
        }
        assertThat(ApiKeys.parse("k=customer-support-europe-west-team-2").size()).isEqualTo(1);
    }

    @Test
    void aTenantMayNotCarryAnEmailAddress() {
        assertThatThrownBy(() -> ApiKeys.parse("k=jane@example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no '@'");
    }
}
