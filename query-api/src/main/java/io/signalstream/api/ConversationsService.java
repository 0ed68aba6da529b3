package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import java.util.Optional;

/**
 * {@code GET /v1/conversations/{id}/insights}: the latest aggregate of one of the tenant's
 * conversations.
 */
final class ConversationsService implements HttpService {

    private final IntelligenceView view;
    private final Tenants tenants;
    private final ObjectMapper mapper = Json.newMapper();

    ConversationsService(IntelligenceView view, Tenants tenants) {
        this.view = view;
        this.tenants = tenants;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{id}/insights", this::insights);
    }

    private void insights(ServerRequest req, ServerResponse res) throws Exception {
        String id = req.path().pathParameters().get("id");
        Optional<String> tenant = tenants.resolve(req.headers());
        if (tenant.isEmpty() || !ConversationKey.isValidId(id)) {
            Problems.send(
                    res,
                    Status.BAD_REQUEST_400,
                    "Bad Request",
                    "Conversation and tenant ids are 1 to 128 characters of letters, digits and . _ : @ -");
            return;
        }
        var aggregate = view.get(ConversationKey.of(tenant.get(), id));
        if (aggregate.isEmpty()) {
            Problems.send(
                    res,
                    Status.NOT_FOUND_404,
                    "Not Found",
                    "No insights for conversation '"
                            + id
                            + "' yet. A message posted a moment ago may still be in processing.");
            return;
        }
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(mapper.writeValueAsString(aggregate.get()));
    }
}
