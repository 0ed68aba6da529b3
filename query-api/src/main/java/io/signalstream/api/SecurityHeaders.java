package io.signalstream.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers every answer carries: no content sniffing, no referrer, and for the dashboard a content
 * security policy that allows only its own script, style and connections, and no framing (against
 * click-jacking).
 */
final class SecurityHeaders implements Filter {

    static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");

    /** The dashboard: one module script, one style sheet, fetch and WebSocket to this origin. */
    static final String DASHBOARD_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " connect-src 'self'; base-uri 'none'; form-action 'none';"
                    + " frame-ancestors 'none'";

    /** Everything else is data, never a page: nothing may run or frame it. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        boolean api =
                path.startsWith("/v1/")
                        || path.startsWith("/health")
                        || path.startsWith("/metrics")
                        || path.startsWith("/openapi");
        res.headers().set(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.headers().set(REFERRER_POLICY, "no-referrer");
        res.headers().set(CSP, api ? API_POLICY : DASHBOARD_POLICY);
        res.headers().set(HeaderNames.create("X-Frame-Options"), "DENY");
        chain.proceed();
    }
}
