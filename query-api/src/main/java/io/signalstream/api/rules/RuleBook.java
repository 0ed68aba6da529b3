package io.signalstream.api.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.MessageLog.NotAcknowledged;
import java.util.List;
import java.util.Optional;

/**
 * Each tenant's alert rules, as checked and stored JSON ({@code id}, {@code tenant_id}, the rule's
 * fields with their defaults, {@code updated_at}). At most {@link #MAX_PER_TENANT} per tenant.
 */
public interface RuleBook extends AutoCloseable {

    /** Rules a tenant may keep: each is checked on every conversation update. */
    int MAX_PER_TENANT = 100;

    /** Thrown when a new rule would pass {@link #MAX_PER_TENANT}. */
    final class Full extends Exception {
        private static final long serialVersionUID = 1L;

        public Full(String message) {
            super(message);
        }
    }

    List<ObjectNode> list(String tenant);

    Optional<ObjectNode> get(String tenant, String id);

    /**
     * Stores {@code rule} (replacing one of the same id) once it is durable.
     *
     * @return whether it is new
     */
    boolean put(String tenant, String id, ObjectNode rule) throws NotAcknowledged, Full;

    /**
     * Deletes the rule once the deletion is durable.
     *
     * @return whether there was one
     */
    boolean delete(String tenant, String id) throws NotAcknowledged;

    @Override
    void close();
}
