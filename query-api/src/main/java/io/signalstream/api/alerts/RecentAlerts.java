package io.signalstream.api.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalstream.api.store.Cursor;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The newest alerts of each tenant, newest first, one per alert id (the job raises the same id
 * again after a replay). Bounded: at most {@code perTenant} alerts per tenant and {@code tenants}
 * tenants (the least recently alerted one goes first); older alerts stay on {@code support.alerts}
 * for its retention.
 */
public final class RecentAlerts {

    public static final int DEFAULT_PER_TENANT = 1_000;
    public static final int DEFAULT_TENANTS = 10_000;

    /** A page of alerts, and the cursor of the next one (null at the end). */
    public record Page(List<ObjectNode> alerts, String nextCursor) {}

    /** Where an alert sorts: newest first, then by id. */
    private record Place(long at, String id) {}

    private static final Comparator<Place> NEWEST_FIRST =
            Comparator.comparingLong(Place::at).reversed().thenComparing(Place::id);

    private static final class Book {
        final NavigableMap<Place, ObjectNode> alerts = new TreeMap<>(NEWEST_FIRST);
        final Set<String> ids = new HashSet<>();
    }

    private final int perTenant;
    private final Map<String, Book> books;

    public RecentAlerts(int perTenant, int tenants) {
        if (perTenant < 1 || tenants < 1) {
            throw new IllegalArgumentException("alert bounds must be at least 1");
        }
        this.perTenant = perTenant;
        this.books =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Book> eldest) {
                        return size() > tenants;
                    }
                };
    }

    public RecentAlerts() {
        this(DEFAULT_PER_TENANT, DEFAULT_TENANTS);
    }

    /**
     * Keeps {@code alert} ({@code id}, {@code tenant_id}, {@code triggered_at} required).
     *
     * @return whether it is new (false for an id already kept, or an alert older than all kept ones
     *     of a full book)
     * @throws IllegalArgumentException when a required field is missing
     */
    public synchronized boolean add(ObjectNode alert) {
        String id = alert.path("id").asText("");
        String tenant = alert.path("tenant_id").asText("");
        if (id.isEmpty() || tenant.isEmpty()) {
            throw new IllegalArgumentException("an alert has an id and a tenant_id");
        }
        Place place = new Place(instant(alert.path("triggered_at").asText("")), id);
        Book book = books.computeIfAbsent(tenant, t -> new Book());
        if (!book.ids.add(id)) {
            return false;
        }
        book.alerts.put(place, alert);
        if (book.alerts.size() > perTenant) {
            Map.Entry<Place, ObjectNode> oldest = book.alerts.pollLastEntry();
            book.ids.remove(oldest.getKey().id());
            return !oldest.getKey().equals(place);
        }
        return true;
    }

    /**
     * The tenant's alerts, newest first.
     *
     * @param since only alerts triggered at or after it (null: all)
     * @param severities only these severities (empty: all)
     * @param cursor where the previous page ended (null: the start)
     * @throws IllegalArgumentException for a cursor this API did not give
     */
    public synchronized Page page(
            String tenant, Instant since, Set<String> severities, String cursor, int limit) {
        Book book = books.get(tenant);
        if (book == null) {
            if (cursor != null) {
                after(cursor); // still refuse a cursor that was never given
            }
            return new Page(List.of(), null);
        }
        NavigableMap<Place, ObjectNode> rest =
                cursor == null ? book.alerts : book.alerts.tailMap(after(cursor), false);
        List<ObjectNode> page = new ArrayList<>();
        Place last = null;
        for (Map.Entry<Place, ObjectNode> e : rest.entrySet()) {
            if (since != null && e.getKey().at() < since.toEpochMilli()) {
                break; // newest first: everything after is older still
            }
            if (!severities.isEmpty()
                    && !severities.contains(e.getValue().path("severity").asText())) {
                continue;
            }
            if (page.size() == limit) {
                return new Page(page, cursor(last));
            }
            page.add(e.getValue());
            last = e.getKey();
        }
        return new Page(page, null);
    }

    /** Alerts kept, over all tenants. */
    public synchronized int size() {
        return books.values().stream().mapToInt(b -> b.alerts.size()).sum();
    }

    /** Forgets the alerts of one conversation (it was erased). */
    public synchronized void removeConversation(String tenant, String conversationId) {
        Book book = books.get(tenant);
        if (book == null) {
            return;
        }
        book.alerts
                .entrySet()
                .removeIf(
                        e -> {
                            boolean of =
                                    conversationId.equals(
                                            e.getValue().path("conversation_id").asText());
                            if (of) {
                                book.ids.remove(e.getKey().id());
                            }
                            return of;
                        });
    }

    /** Alerts page with the store's cursor: the alert's time and id stand for activity and key. */
    private static String cursor(Place place) {
        return new Cursor(place.at(), place.id()).encode();
    }

    private static Place after(String cursor) {
        return Cursor.decode(cursor)
                .map(c -> new Place(c.lastActivityMillis(), c.key()))
                .orElseThrow(() -> new IllegalArgumentException("cursor is not one this API gave"));
    }

    private static long instant(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("an alert's triggered_at is an ISO-8601 instant");
        }
    }
}
