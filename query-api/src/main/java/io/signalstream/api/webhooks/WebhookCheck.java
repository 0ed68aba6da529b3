package io.signalstream.api.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalstream.model.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a webhook as a tenant writes it: {@code {"url": "https://…", "secret": "…", "events":
 * ["alert"]}}. The url must be http(s) and resolve to addresses webhooks may call ({@link
 * AddressGuard}); the secret signs every delivery and is never shown again.
 */
public final class WebhookCheck {

    public static final int MIN_SECRET = 16;
    public static final int MAX_SECRET = 256;
    public static final int MAX_URL = 2_000;
    public static final Set<String> EVENTS = Set.of("alert");
    private static final Set<String> FIELDS = Set.of("url", "secret", "events");

    private WebhookCheck() {}

    /** Every mistake in {@code body}; empty when the webhook is valid. */
    public static List<Validation.Violation> check(JsonNode body, AddressGuard guard) {
        List<Validation.Violation> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            problems.add(new Validation.Violation("", "a webhook is a JSON object"));
            return problems;
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(
                        new Validation.Violation(
                                name, "is not a field here (known: events, secret, url)"));
            }
        }
        JsonNode url = body.get("url");
        if (url == null
                || !url.isTextual()
                || url.asText().isBlank()
                || url.asText().length() > MAX_URL) {
            problems.add(
                    new Validation.Violation(
                            "url",
                            "is required: an http(s) URL of at most " + MAX_URL + " characters"));
        } else {
            try {
                Optional<String> refused = guard.refusal(new URI(url.asText()));
                refused.ifPresent(r -> problems.add(new Validation.Violation("url", r)));
            } catch (URISyntaxException e) {
                problems.add(new Validation.Violation("url", "is not a URL: " + e.getReason()));
            }
        }
        JsonNode secret = body.get("secret");
        if (secret == null
                || !secret.isTextual()
                || secret.asText().length() < MIN_SECRET
                || secret.asText().length() > MAX_SECRET) {
            problems.add(
                    new Validation.Violation(
                            "secret",
                            "is required: "
                                    + MIN_SECRET
                                    + " to "
                                    + MAX_SECRET
                                    + " characters, known only to you and the receiver"));
        }
        JsonNode events = body.get("events");
        if (events != null) {
            if (!events.isArray() || events.isEmpty()) {
                problems.add(
                        new Validation.Violation("events", "is a list of events: [\"alert\"]"));
            } else {
                for (int i = 0; i < events.size(); i++) {
                    if (!EVENTS.contains(events.get(i).asText())) {
                        problems.add(
                                new Validation.Violation(
                                        "events[" + i + "]", "must be one of " + EVENTS));
                    }
                }
            }
        }
        return problems;
    }
}
