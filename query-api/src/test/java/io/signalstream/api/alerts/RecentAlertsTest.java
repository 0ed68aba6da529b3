package io.signalstream.api.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.model.Json;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentAlertsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    private static ObjectNode alert(String tenant, String id, String conversation, int second) {
        return Json.newMapper()
                .createObjectNode()
                .put("id", id)
                .put("tenant_id", tenant)
                .put("conversation_id", conversation)
                .put("severity", "high")
                .put("triggered_at", T0.plusSeconds(second).toString());
    }

    @Test
    void eachTenantKeepsItsNewestAlertsUpToTheBound() {
        RecentAlerts alerts = new RecentAlerts(3, 2);
        for (int i = 0; i < 5; i++) {
            assertThat(alerts.add(alert("acme", "a" + i, "c", i))).isTrue();
        }
        // older than every kept one in a full book: not news
        assertThat(alerts.add(alert("acme", "old", "c", -10))).isFalse();
        assertThat(alerts.page("acme", null, Set.of(), null, 10).alerts())
                .extracting(a -> a.get("id").asText())
                .containsExactly("a4", "a3", "a2");
        assertThat(alerts.size()).isEqualTo(3);
    }

    @Test
    void theLeastRecentlyAlertedTenantGoesFirst() {
        RecentAlerts alerts = new RecentAlerts(3, 2);
        alerts.add(alert("t1", "a", "c", 0));
        alerts.add(alert("t2", "b", "c", 0));
        alerts.add(alert("t1", "c", "c", 1));
        alerts.add(alert("t3", "d", "c", 2));
        assertThat(alerts.page("t2", null, Set.of(), null, 10).alerts()).isEmpty();
        assertThat(alerts.page("t1", null, Set.of(), null, 10).alerts()).hasSize(2);
        assertThat(alerts.size()).isEqualTo(3);
    }

    @Test
    void anIdIsKeptOnceAndAnErasedConversationsAlertsGo() {
        RecentAlerts alerts = new RecentAlerts();
        assertThat(alerts.add(alert("acme", "a", "c1", 0))).isTrue();
        assertThat(alerts.add(alert("acme", "a", "c1", 0))).isFalse();
        alerts.add(alert("acme", "b", "c2", 1));
        alerts.removeConversation("acme", "c1");
        assertThat(alerts.page("acme", null, Set.of(), null, 10).alerts())
                .extracting(a -> a.get("id").asText())
                .containsExactly("b");
    }

    @Test
    void anAlertWithoutItsIdentityOrTimeIsRefused() {
        RecentAlerts alerts = new RecentAlerts();
        assertThatThrownBy(() -> alerts.add(alert("acme", "", "c", 0)))
                .isInstanceOf(IllegalArgumentException.class);
        ObjectNode noTime = alert("acme", "a", "c", 0).put("triggered_at", "soon");
        assertThatThrownBy(() -> alerts.add(noTime)).isInstanceOf(IllegalArgumentException.class);
        assertThat(alerts.size()).isZero();
    }
}
