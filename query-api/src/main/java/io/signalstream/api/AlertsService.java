package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.alerts.RecentAlerts;
import io.signalstream.model.Json;
import io.signalstream.model.rules.RuleCheck;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/alerts?since=&severity=&cursor=&limit=}: the tenant's alerts, newest first; {@code
 * severity} is one or more of low, medium, high, critical (comma-separated), {@code since} an
 * ISO-8601 instant, {@code limit} 1 to {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}),
 * {@code cursor} the {@code next_cursor} of the previous page.
 */
final class AlertsService implements HttpService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final RecentAlerts alerts;
    private final ObjectMapper mapper = Json.newMapper();

    AlertsService(RecentAlerts alerts) {
        this.alerts = alerts;
    }

    @Override
    public void routing(HttpRules r) {
        r.get("/", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) throws Exception {
        var query = req.query();
        Instant since = null;
        Optional<String> sinceText = query.first("since").asOptional();
        if (sinceText.isPresent()) {
            try {
                since = Instant.parse(sinceText.get());
            } catch (DateTimeParseException e) {
                bad(res, "since is an ISO-8601 instant such as 2026-12-01T09:00:00Z");
                return;
            }
        }
        Set<String> severities = new LinkedHashSet<>();
        for (String s : query.first("severity").orElse("").split(",")) {
            if (s.isBlank()) {
                continue;
            }
            if (!RuleCheck.SEVERITIES.contains(s.strip())) {
                bad(res, "severity is one or more of " + String.join(",", RuleCheck.SEVERITIES));
                return;
            }
            severities.add(s.strip());
        }
        int limit;
        try {
            limit = Integer.parseInt(query.first("limit").orElse(Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            bad(res, "limit is a number from 1 to " + MAX_LIMIT);
            return;
        }
        String tenant = Auth.tenant(req);
        RecentAlerts.Page page;
        try {
            page =
                    alerts.page(
                            tenant,
                            since,
                            severities,
                            query.first("cursor").asOptional().orElse(null),
                            limit);
        } catch (IllegalArgumentException e) {
            bad(res, e.getMessage());
            return;
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("tenant_id", tenant);
        body.putArray("alerts").addAll(page.alerts());
        body.put("next_cursor", page.nextCursor());
        res.status(Status.OK_200).headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }

    private static void bad(ServerResponse res, String detail) {
        Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", detail);
    }
}
