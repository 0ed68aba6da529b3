package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.analytics.AnalyticsStore;
import io.signalstream.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /v1/analytics?from=&to=&granularity=minute|hour|day}: the tenant's buckets starting in
 * {@code [from, to)}, oldest first, as the job computed them (event time, UTC; see {@code
 * docs/analytics.md}). {@code to} defaults to now, {@code from} to one day before {@code to},
 * {@code granularity} to {@code hour}. A range holds at most {@value #MAX_BUCKETS} buckets of its
 * granularity. Buckets without any message are not listed.
 */
final class AnalyticsService implements HttpService {

    static final int MAX_BUCKETS = 1_500;

    private static final Map<String, Duration> SIZES =
            Map.of(
                    "minute", Duration.ofMinutes(1),
                    "hour", Duration.ofHours(1),
                    "day", Duration.ofDays(1));

    private final AnalyticsStore store;
    private final ObjectMapper mapper = Json.newMapper();

    AnalyticsService(AnalyticsStore store) {
        this.store = store;
    }

    @Override
    public void routing(HttpRules r) {
        r.get("/", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) throws Exception {
        var query = req.query();
        String granularity = query.first("granularity").orElse("hour");
        Duration size = SIZES.get(granularity);
        if (size == null) {
            bad(res, "granularity is minute, hour or day");
            return;
        }
        Instant to;
        Instant from;
        try {
            to = query.first("to").asOptional().map(Instant::parse).orElse(Instant.now());
            from =
                    query.first("from")
                            .asOptional()
                            .map(Instant::parse)
                            .orElse(to.minus(Duration.ofDays(1)));
        } catch (DateTimeParseException e) {
            bad(res, "from and to are ISO-8601 instants such as 2026-12-01T09:00:00Z");
            return;
        }
        if (!from.isBefore(to)) {
            bad(res, "from must be before to");
            return;
        }
        if (Duration.between(from, to).dividedBy(size) > MAX_BUCKETS) {
            bad(
                    res,
                    "the range holds more than "
                            + MAX_BUCKETS
                            + " "
                            + granularity
                            + " buckets; narrow it or choose a coarser granularity");
            return;
        }
        String tenant = Auth.tenant(req);
        ObjectNode body = mapper.createObjectNode();
        body.put("tenant_id", tenant);
        body.put("granularity", granularity);
        body.put("from", from.toString());
        body.put("to", to.toString());
        ArrayNode buckets = body.putArray("buckets");
        for (byte[] bucket :
                store.range(
                        tenant, granularity, from.toEpochMilli(), to.toEpochMilli(), MAX_BUCKETS)) {
            buckets.add(mapper.readTree(bucket));
        }
        res.status(Status.OK_200).headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }

    private static void bad(ServerResponse res, String detail) {
        Problems.send(res, Status.BAD_REQUEST_400, "Bad Request", detail);
    }
}
