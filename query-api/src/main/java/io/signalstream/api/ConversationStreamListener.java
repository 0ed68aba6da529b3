package io.signalstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.signalstream.model.AggregatedIntelligence;
import io.signalstream.model.ConversationKey;
import io.signalstream.model.Json;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WS /ws/conversations/{id}/stream}, one instance per connection: on open the current
 * snapshot, then every newer version as {@code {"type":"intelligence_update","data":{...}}}.
 *
 * <p>Sends happen on the session's own virtual thread and coalesce: a slow client gets the newest
 * version when it is ready again, and never holds up the view or other sessions.
 */
final class ConversationStreamListener implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationStreamListener.class);
    private static final Pattern PATH = Pattern.compile("/ws/conversations/([^/]+)/stream/?");

    private final IntelligenceView view;
    private final Tenants tenants;
    private final ExecutorService senders;
    private final ObjectMapper mapper = Json.newMapper();
    private final AtomicReference<String> pending = new AtomicReference<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile String key;
    private volatile WsSession session;
    private volatile AutoCloseable subscription;

    ConversationStreamListener(IntelligenceView view, Tenants tenants, ExecutorService senders) {
        this.view = view;
        this.tenants = tenants;
        this.senders = senders;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers)
            throws WsUpgradeException {
        Matcher m = PATH.matcher(prologue.uriPath().path());
        if (!m.matches() || !ConversationKey.isValidId(m.group(1))) {
            throw new WsUpgradeException(
                    "conversation id must be 1 to 128 characters of letters, digits and . _ : @ -");
        }
        Optional<String> tenant = tenants.resolve(headers);
        if (tenant.isEmpty()) {
            throw new WsUpgradeException("invalid X-Tenant-ID");
        }
        key = ConversationKey.of(tenant.get(), m.group(1));
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        subscription = view.subscribe(key, this::offer);
        view.get(key).ifPresent(this::offer);
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
        LOG.debug("WebSocket error on {}: {}", key, t.toString());
        unsubscribe();
    }

    private void offer(AggregatedIntelligence aggregate) {
        ObjectNode message = mapper.createObjectNode();
        message.put("type", "intelligence_update");
        message.set("data", mapper.valueToTree(aggregate));
        pending.set(message.toString());
        if (draining.compareAndSet(false, true)) {
            senders.execute(this::drain);
        }
    }

    private void drain() {
        try {
            String next;
            while ((next = pending.getAndSet(null)) != null) {
                session.send(next, true);
            }
        } catch (RuntimeException e) {
            LOG.debug("closing WebSocket on {} after a failed send: {}", key, e.toString());
            unsubscribe();
            session.close(WsCloseCodes.UNEXPECTED_CONDITION, "send failed");
            return;
        } finally {
            draining.set(false);
        }
        // An update that arrived after the loop ended but before the flag was cleared.
        if (pending.get() != null && draining.compareAndSet(false, true)) {
            senders.execute(this::drain);
        }
    }

    private void unsubscribe() {
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
