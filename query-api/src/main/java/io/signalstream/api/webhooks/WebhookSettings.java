package io.signalstream.api.webhooks;

import io.signalstream.api.DurationSetting;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How webhooks are delivered: which non-public addresses they may call ({@code
 * SIGNALSTREAM_WEBHOOK_ALLOW}: {@code loopback}, {@code private}, {@code link-local}; none by
 * default, {@code make run} allows loopback), and the delivery's timeout and retries ({@code
 * SIGNALSTREAM_WEBHOOK_TIMEOUT} PT10S, {@code SIGNALSTREAM_WEBHOOK_FIRST_RETRY} PT1S, {@code
 * SIGNALSTREAM_WEBHOOK_MAX_RETRY} PT1H, {@code SIGNALSTREAM_WEBHOOK_GIVE_UP_AFTER} PT24H).
 */
public record WebhookSettings(Set<String> allow, WebhookDeliverer.Settings delivery) {

    public static final WebhookSettings DEFAULTS =
            new WebhookSettings(Set.of(), WebhookDeliverer.Settings.DEFAULTS);

    /** What the local stack uses: receivers on this machine are allowed. */
    public static final WebhookSettings LOCAL =
            new WebhookSettings(Set.of("loopback"), WebhookDeliverer.Settings.DEFAULTS);

    public WebhookSettings {
        allow = Set.copyOf(allow);
        new AddressGuard(allow); // refuses an unknown kind at start
    }

    public static WebhookSettings from(Map<String, String> env) {
        WebhookDeliverer.Settings d = WebhookDeliverer.Settings.DEFAULTS;
        return new WebhookSettings(
                Arrays.stream(env.getOrDefault("SIGNALSTREAM_WEBHOOK_ALLOW", "").split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet()),
                new WebhookDeliverer.Settings(
                        duration(env, "SIGNALSTREAM_WEBHOOK_TIMEOUT", d.timeout()),
                        duration(env, "SIGNALSTREAM_WEBHOOK_FIRST_RETRY", d.firstRetry()),
                        duration(env, "SIGNALSTREAM_WEBHOOK_MAX_RETRY", d.maxRetry()),
                        duration(env, "SIGNALSTREAM_WEBHOOK_GIVE_UP_AFTER", d.giveUpAfter()),
                        d.maxPending()));
    }

    public AddressGuard guard() {
        return new AddressGuard(allow);
    }

    private static Duration duration(Map<String, String> env, String name, Duration dflt) {
        Duration d = DurationSetting.read(name, env.get(name), dflt, null, null);
        if (!d.isPositive()) {
            throw new IllegalArgumentException(name + " must be positive, not " + env.get(name));
        }
        return d;
    }
}
