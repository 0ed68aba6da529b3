package io.signalstream.api;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.signalstream.model.ConversationKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Sends happen on the session's own virtual thread and coalesce per conversation: a slow client
 * gets the newest version when it is ready again, and never holds up the view or other sessions.
 * Each version's frame is built once by the view, however many sessions send it.
 */
final class ConversationStreamListener implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationStreamListener.class);
    private static final Pattern ONE = Pattern.compile("/ws/conversations/([^/]+)/stream/?");
    private static final Pattern ALL = Pattern.compile("/ws/conversations/?");

    private final IntelligenceView view;
    private final Auth auth;
    private final ExecutorService senders;
    private final ApiMetrics metrics;
    private final AtomicBoolean open = new AtomicBoolean();

    /** The newest unsent message per conversation. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();

    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile String tenant;

    /** The one conversation's key, or null for the tenant-wide stream. */
    private volatile String key;

    private volatile WsSession session;
    private volatile AutoCloseable subscription;

    ConversationStreamListener(
            IntelligenceView view, Auth auth, ExecutorService senders, ApiMetrics metrics) {
        this.view = view;
        this.auth = auth;
        this.senders = senders;
        this.metrics = metrics;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers)
            throws WsUpgradeException {
        String path = prologue.uriPath().path();
        Matcher one = ONE.matcher(path);
        boolean all = ALL.matcher(path).matches();
        if (!all && (!one.matches() || !ConversationKey.isValidId(one.group(1)))) {
            throw new WsUpgradeException(
                    "conversation id must be 1 to 128 characters of letters, digits and . _ : @ -");
        }
        Optional<String> caller = auth.wsTenant(headers, prologue.query());
        if (caller.isEmpty()) {
            throw new WsUpgradeException(
                    "an API key is required: subprotocols 'bearer, <key>' or ?access_token=<key>");
        }
        tenant = caller.get();
        key = all ? null : ConversationKey.of(tenant, one.group(1));
        if (headers.contains(Auth.WS_PROTOCOL)) {
            WritableHeaders<?> answer = WritableHeaders.create();
            answer.set(Auth.WS_PROTOCOL, Auth.WS_BEARER);
            return Optional.of(answer);
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        if (open.compareAndSet(false, true)) {
            metrics.sessionOpened();
        }
        if (key == null) {
            subscription = view.subscribeTenant(tenant, this::offer);
        } else {
            subscription = view.subscribe(key, this::offer);
            view.entry(key).ifPresent(this::offer);
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        // The stream is one-way; client messages (e.g. keep-alives) are ignored.
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        unsubscribe();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.debug("WebSocket error on {}: {}", key == null ? tenant : key, t.toString());
        unsubscribe();
    }

    /** The version's frame is built once by the view and shared by every session. */
    private void offer(IntelligenceView.Entry entry) {
        pending.put(entry.key(), entry.frame());
        if (draining.compareAndSet(false, true)) {
            senders.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (!pending.isEmpty()) {
                for (String conversation : List.copyOf(pending.keySet())) {
                    String next = pending.remove(conversation);
                    if (next != null) {
                        session.send(next, true);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("closing WebSocket of {} after a failed send: {}", tenant, e.toString());
            unsubscribe();
            session.close(WsCloseCodes.UNEXPECTED_CONDITION, "send failed");
            return;
        } finally {
            draining.set(false);
        }
        // An update that arrived after the loop ended but before the flag was cleared.
        if (!pending.isEmpty() && draining.compareAndSet(false, true)) {
            senders.execute(this::drain);
        }
    }

    private void unsubscribe() {
        if (open.compareAndSet(true, false)) {
            metrics.sessionClosed();
        }
        AutoCloseable s = subscription;
        subscription = null;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("unsubscribe failed: {}", e.toString());
            }
        }
    }
}
