package io.signalstream.api;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.signalstream.api.ApiKeys.Caller;
import io.signalstream.api.ApiKeys.Scope;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Who is calling: the tenant comes from the API key only, never from the body or a header the
 * client picks. REST sends {@code Authorization: Bearer <key>}; a browser's WebSocket, which cannot
 * set that header, offers the subprotocols {@code bearer, <key>} or adds {@code
 * ?access_token=<key>}.
 *
 * <p>As a filter it guards everything under {@code /v1/}: a request without a valid key is answered
 * 401 and goes no further; otherwise its tenant is in the request's context ({@link #tenant(
 * ServerRequest)}) and in the logging context for as long as the request runs.
 */
final class Auth implements Filter {

    private static final String TENANT = "signalstream.tenant";

    static final HeaderName WS_PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    /** The subprotocol a WebSocket client offers before its key, and the one the server picks. */
    static final String WS_BEARER = "bearer";

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    Auth(ApiKeys keys) {
        this.keys = keys;
    }

    /** The caller from {@code Authorization: Bearer <key>}. */
    Optional<Caller> caller(Headers headers) {
        if (!headers.contains(HeaderNames.AUTHORIZATION)) {
            return Optional.empty();
        }
        String value = headers.get(HeaderNames.AUTHORIZATION).get();
        if (value.length() <= BEARER.length()
                || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return keys.callerOf(value.substring(BEARER.length()).strip());
    }

    /** A WebSocket caller: the key after {@code bearer} in the subprotocols, or the query. */
    Optional<Caller> wsCaller(Headers headers, UriQuery query) {
        if (headers.contains(WS_PROTOCOL)) {
            String[] offered = headers.get(WS_PROTOCOL).values().split(",");
            for (int i = 0; i + 1 < offered.length; i++) {
                if (offered[i].strip().equalsIgnoreCase(WS_BEARER)) {
                    return keys.callerOf(offered[i + 1].strip());
                }
            }
        }
        if (query.contains("access_token")) {
            return keys.callerOf(query.get("access_token"));
        }
        return caller(headers);
    }

    /**
     * The scope a request needs: posting messages needs {@code ingest}, erasing, managing rules and
     * anything about webhooks {@code admin}, reading {@code read}; other methods need a valid key
     * only (their routes answer 404 or 405).
     */
    static Optional<Scope> required(Method method, String path) {
        if (path.startsWith("/v1/webhooks")) {
            return Optional.of(Scope.ADMIN); // where alerts go and what they were sent
        }
        if (method == Method.GET || method == Method.HEAD) {
            return Optional.of(Scope.READ);
        }
        if (method == Method.POST && path.startsWith("/v1/rules")) {
            return Optional.of(Scope.ADMIN); // a backfill
        }
        if (method == Method.POST && path.startsWith("/v1/messages")) {
            return Optional.of(Scope.INGEST);
        }
        if (method == Method.DELETE || method == Method.PUT && path.startsWith("/v1/rules")) {
            return Optional.of(Scope.ADMIN);
        }
        return Optional.empty();
    }

    /** What a caller without {@code scope} is told. */
    static String refusal(Caller caller, Scope scope) {
        return "This API key may not "
                + switch (scope) {
                    case INGEST -> "post messages";
                    case READ -> "read conversations";
                    case ADMIN -> "erase conversations or manage rules and webhooks";
                }
                + ": it holds the scopes "
                + caller.scopes().stream().map(Scope::wire).sorted().toList()
                + ". Use a key with the '"
                + scope.wire()
                + "' scope.";
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        // CORS preflights carry no credentials; the CORS feature answers them.
        if (!req.path().path().startsWith("/v1/") || req.prologue().method() == Method.OPTIONS) {
            chain.proceed();
            return;
        }
        Optional<Caller> caller = caller(req.headers());
        if (caller.isEmpty()) {
            unauthorized(res, req.headers().contains(HeaderNames.AUTHORIZATION));
            return;
        }
        Optional<Scope> needed = required(req.prologue().method(), req.path().path());
        if (needed.isPresent() && !caller.get().may(needed.get())) {
            Problems.send(
                    res, Status.FORBIDDEN_403, "Forbidden", refusal(caller.get(), needed.get()));
            return;
        }
        String tenant = caller.get().tenant();
        req.context().register(TENANT, tenant);
        MDC.put("tenant_id", tenant);
        try {
            chain.proceed();
        } finally {
            MDC.clear();
        }
    }

    /** The tenant of a request under {@code /v1/}, set by the filter. */
    static String tenant(ServerRequest req) {
        return req.context()
                .get(TENANT, String.class)
                .orElseThrow(() -> new IllegalStateException("no tenant: the Auth filter is off"));
    }

    static void unauthorized(ServerResponse res, boolean keyGiven) {
        res.headers().set(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"signalstream\"");
        Problems.send(
                res,
                Status.UNAUTHORIZED_401,
                "Unauthorized",
                keyGiven
                        ? "The API key is not valid. Send Authorization: Bearer <your API key>."
                        : "An API key is required. Send Authorization: Bearer <your API key>.");
    }
}
