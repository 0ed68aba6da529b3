package io.signalstream.api.book;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.MessageLog.NotAcknowledged;
import java.util.List;
import java.util.Optional;

/**
 * Small JSON objects each tenant keeps by id, as checked and stored ({@code id}, {@code tenant_id},
 * the fields with their defaults, {@code updated_at}): its alert rules, its webhooks. At most
 * {@link #limit()} per tenant.
 */
public interface TenantBook extends AutoCloseable {

    /** Rules a tenant may keep: each is checked on every conversation update. */
    int RULES_PER_TENANT = 100;

    /** Webhooks a tenant may keep. */
    int WEBHOOKS_PER_TENANT = 20;

    /** Thrown when a new entry would pass {@link #limit()}. */
    final class Full extends Exception {
        private static final long serialVersionUID = 1L;

        public Full(String message) {
            super(message);
        }
    }

    /** How many entries a tenant may keep. */
    int limit();

    List<ObjectNode> list(String tenant);

    Optional<ObjectNode> get(String tenant, String id);

    /**
     * Stores {@code entry} (replacing one of the same id) once it is durable.
     *
     * @return whether it is new
     */
    boolean put(String tenant, String id, ObjectNode entry) throws NotAcknowledged, Full;

    /**
     * Deletes the entry once the deletion is durable.
     *
     * @return whether there was one
     */
    boolean delete(String tenant, String id) throws NotAcknowledged;

    @Override
    void close();
}
