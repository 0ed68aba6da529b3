package io.signalstream.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.signalstream.model.ConversationKey;
import java.util.Optional;

/**
 * Decides the tenant of a request. Until API keys exist, a development-only {@code X-Tenant-ID}
 * header (when enabled) or the configured default tenant; never the request body.
 */
final class Tenants {

    static final HeaderName TENANT_HEADER = HeaderNames.create("X-Tenant-ID");

    private final String defaultTenant;
    private final boolean headerEnabled;

    Tenants(ApiSettings settings) {
        this.defaultTenant = settings.defaultTenant();
        this.headerEnabled = settings.tenantHeaderEnabled();
    }

    /** The tenant, or empty when the header names an invalid one. */
    Optional<String> resolve(Headers headers) {
        if (headerEnabled && headers.contains(TENANT_HEADER)) {
            String tenant = headers.get(TENANT_HEADER).get();
            return ConversationKey.isValidId(tenant) ? Optional.of(tenant) : Optional.empty();
        }
        return Optional.of(defaultTenant);
    }
}
