package io.signalstream.api;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.signalstream.api.stream.Fanout;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant-wide stream of one feed: {@code WS /ws/alerts} (every alert as it is raised, {@code
 * {"type":"alert","data":{...}}}; before the connection: {@code GET /v1/alerts}) and {@code WS
 * /ws/analytics} (every analytics bucket as it changes, {@code {"type":"analytics","data":{...}}};
 * before: {@code GET /v1/analytics}). Keys and limits as for {@code /ws/conversations}.
 */
final class TenantStreamListener implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(TenantStreamListener.class);

    private final Fanout fanout;
    private final Auth auth;
    private volatile String tenant;
    private volatile Fanout.Session session;

    TenantStreamListener(Fanout fanout, Auth auth) {
        this.fanout = fanout;
        this.auth = auth;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers)
            throws WsUpgradeException {
        tenant = ConversationStreamListener.reader(auth, prologue, headers);
        return ConversationStreamListener.answer(headers);
    }

    @Override
    public void onOpen(WsSession ws) {
        Fanout.Admission admission =
                fanout.open(tenant, null, ConversationStreamListener.connection(ws));
        if (admission.admitted().isEmpty()) {
            LOG.info("stream of tenant {} refused: {}", tenant, admission.refusal());
            ws.close(Fanout.OVER_CAPACITY, admission.refusal());
            return;
        }
        session = admission.session();
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        forget();
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        forget();
    }

    private void forget() {
        Fanout.Session s = session;
        if (s != null) {
            s.closed();
        }
    }
}
