package io.signalstream.api;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.signalstream.api.store.ConversationStore;
import io.signalstream.api.stream.Fanout;
import io.signalstream.model.ConversationKey;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection, one instance:
 *
 * <ul>
 *   <li>{@code WS /ws/conversations/{id}/stream}: on open the conversation's current snapshot, then
 *       every newer version as {@code {"type":"intelligence_update","data":{...}}};
 *   <li>{@code WS /ws/conversations}: every newer version of any of the tenant's conversations (the
 *       dashboard's live list).
 * </ul>
 *
 * <p>The API key comes as the subprotocols {@code bearer, <key>} (answered with {@code bearer}),
 * {@code ?access_token=<key>} or {@code Authorization: Bearer}. A conversation of another tenant is
 * indistinguishable from one that does not exist yet: its stream stays silent.
 *
 * <p>Sends happen on the session's own virtual thread ({@link Fanout}): a client too far behind is
 * closed with {@code 1008}, a session over the caps refused with {@code 1013} and the reason, and
 * each version's frame is built once however many sessions send it.
 */
final class ConversationStreamListener implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationStreamListener.class);
    private static final Pattern ONE = Pattern.compile("/ws/conversations/([^/]+)/stream/?");
    private static final Pattern ALL = Pattern.compile("/ws/conversations/?");

    private final ConversationStore store;
    private final Fanout fanout;
    private final Auth auth;
    private volatile String tenant;

    /** The one conversation's key, or null for the tenant-wide stream. */
    private volatile String key;

    private volatile Fanout.Session session;

    ConversationStreamListener(ConversationStore store, Fanout fanout, Auth auth) {
        this.store = store;
        this.fanout = fanout;
        this.auth = auth;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers)
            throws WsUpgradeException {
        String path = prologue.uriPath().path();
        Matcher one = ONE.matcher(path);
        boolean all = ALL.matcher(path).matches();
        if (!all && (!one.matches() || !ConversationKey.isValidId(one.group(1)))) {
            throw new WsUpgradeException("conversation id must be " + ConversationKey.ID_RULE);
        }
        tenant = reader(auth, prologue, headers);
        key = all ? null : ConversationKey.of(tenant, one.group(1));
        return answer(headers);
    }

    /**
     * The tenant of a WebSocket upgrade whose key may read, from the subprotocols {@code bearer,
     * <key>}, {@code ?access_token=} or {@code Authorization}; else the upgrade is refused.
     */
    static String reader(Auth auth, HttpPrologue prologue, Headers headers)
            throws WsUpgradeException {
        Optional<ApiKeys.Caller> caller = auth.wsCaller(headers, prologue.query());
        if (caller.isEmpty()) {
            throw new WsUpgradeException(
                    "an API key is required: subprotocols 'bearer, <key>' or ?access_token=<key>");
        }
        if (!caller.get().may(ApiKeys.Scope.READ)) {
            throw new WsUpgradeException(Auth.refusal(caller.get(), ApiKeys.Scope.READ));
        }
        return caller.get().tenant();
    }

    /** The upgrade's answer: {@code bearer} as the subprotocol when the key came as one. */
    static Optional<Headers> answer(Headers headers) {
        if (headers.contains(Auth.WS_PROTOCOL)) {
            WritableHeaders<?> answer = WritableHeaders.create();
            answer.set(Auth.WS_PROTOCOL, Auth.WS_BEARER);
            return Optional.of(answer);
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession ws) {
        Fanout.Admission admission = fanout.open(tenant, key, connection(ws));
        if (admission.admitted().isEmpty()) {
            LOG.info("WebSocket of tenant {} refused: {}", tenant, admission.refusal());
            ws.close(Fanout.OVER_CAPACITY, admission.refusal());
            return;
        }
        session = admission.session();
        if (key != null) {
            store.aggregate(key).ifPresent(a -> session.offer(Fanout.Frame.update(a)));
        }
    }

    static Fanout.Connection connection(WsSession ws) {
        return new Fanout.Connection() {
            @Override
            public void send(String text) {
                ws.send(text, true);
            }

            @Override
            public void close(int code, String reason) {
                ws.close(code, reason);
            }

            @Override
            public void terminate() {
                ws.terminate();
            }
        };
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        // The stream is one-way; client messages (e.g. keep-alives) are ignored.
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        forget();
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        LOG.debug("WebSocket error on {}: {}", key == null ? tenant : key, t.toString());
        forget();
    }

    private void forget() {
        Fanout.Session s = session;
        if (s != null) {
            s.closed();
        }
    }
}
