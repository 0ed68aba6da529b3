package io.signalstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.analytics.AnalyticsStore;
import io.signalstream.model.Json;
import io.signalstream.model.TokenBudgets;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code GET /v1/usage}: what the model cost the caller's tenant today (UTC) and in the current
 * minute, from the job's analytics ({@code model} of the day and minute buckets: calls, requests,
 * the tokens the model counted, calls its budget sent to the local agents), beside its token
 * budget. The figures follow the job by about a second.
 */
final class UsageService implements HttpService {

    private final AnalyticsStore store;
    private final TokenBudgets budgets;
    private final ObjectMapper mapper = Json.newMapper();

    UsageService(AnalyticsStore store, TokenBudgets budgets) {
        this.store = store;
        this.budgets = budgets;
    }

    @Override
    public void routing(HttpRules r) {
        r.get("/", this::usage);
    }

    private void usage(ServerRequest req, ServerResponse res) throws IOException {
        String tenant = Auth.tenant(req);
        Instant now = Instant.now();
        Instant day = now.truncatedTo(ChronoUnit.DAYS);
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        ObjectNode body = mapper.createObjectNode();
        body.put("tenant_id", tenant);
        body.set("today", period(tenant, "day", day, day.plus(1, ChronoUnit.DAYS)));
        body.set(
                "this_minute",
                period(tenant, "minute", minute, minute.plus(1, ChronoUnit.MINUTES)));
        TokenBudgets.Limit limit = budgets.limit(tenant);
        ObjectNode budget = body.putObject("budget");
        budget.put("tokens_per_minute", limit.perMinute() > 0 ? limit.perMinute() : null);
        budget.put("tokens_per_day", limit.perDay() > 0 ? limit.perDay() : null);
        res.status(Status.OK_200).headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsBytes(body));
    }

    private ObjectNode period(String tenant, String granularity, Instant from, Instant to)
            throws IOException {
        List<byte[]> buckets =
                store.range(tenant, granularity, from.toEpochMilli(), to.toEpochMilli(), 1);
        JsonNode model =
                buckets.isEmpty()
                        ? mapper.createObjectNode()
                        : mapper.readTree(buckets.get(0)).path("model");
        ObjectNode out = mapper.createObjectNode();
        out.put("start", from.toString());
        long input = model.path("input_tokens").asLong();
        long output = model.path("output_tokens").asLong();
        out.put("calls", model.path("calls").asLong());
        out.put("requests", model.path("requests").asLong());
        out.put("input_tokens", input);
        out.put("output_tokens", output);
        out.put("tokens", input + output);
        out.put("over_budget", model.path("over_budget").asLong());
        return out;
    }
}
