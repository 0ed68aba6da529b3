package io.signalstream.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import io.signalstream.model.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Each tenant's analytics buckets as the job last wrote them, in an embedded Lucene index on disk
 * (heap use does not grow with the buckets): one document per {@code tenant/granularity/start}.
 * Bounded: minute buckets are kept {@link #MINUTES_KEPT}, hour and day buckets as long as the topic
 * keeps records ({@link #KEPT}); older buckets are swept out as new ones arrive (the topic's
 * retention deletes without tombstones, so the store forgets them itself).
 */
public final class AnalyticsStore implements AutoCloseable {

    /** How long minute buckets are kept here. */
    public static final Duration MINUTES_KEPT = Duration.ofDays(7);

    /** How long a bucket of each granularity is kept here. */
    static final Map<String, Duration> KEPT =
            Map.of(
                    "minute", MINUTES_KEPT,
                    "hour", Topics.RETENTION.get(Topics.ANALYTICS),
                    "day", Topics.RETENTION.get(Topics.ANALYTICS));

    static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private static final String ID = "id";
    private static final String TENANT = "tenant";
    private static final String GRANULARITY = "granularity";
    private static final String START = "start";
    private static final String JSON = "json";

    /** Commit data: where the store was filled from, and each partition's next offset. */
    private static final String SOURCE_DATA = "source";

    private static final String POSITION_DATA = "position.";

    private final ObjectMapper mapper = Json.newMapper();
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private long nextSweepMs;
    private String source;
    private final Map<Integer, Long> positions = new HashMap<>();

    private AnalyticsStore(Directory directory, IndexWriter writer) throws IOException {
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
        Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
        if (data != null) {
            for (Map.Entry<String, String> e : data) {
                if (e.getKey().equals(SOURCE_DATA)) {
                    source = e.getValue();
                } else if (e.getKey().startsWith(POSITION_DATA)) {
                    positions.put(
                            Integer.parseInt(e.getKey().substring(POSITION_DATA.length())),
                            Long.parseLong(e.getValue()));
                }
            }
        }
    }

    /** Where the buckets were read from ({@link io.signalstream.api.feed.KafkaSource}); null. */
    public synchronized String source() {
        return source;
    }

    /** The next offset of each partition the saved buckets cover. */
    public synchronized Map<Integer, Long> positions() {
        return Map.copyOf(positions);
    }

    /** Empties the store: it was filled from {@code newSource}'s predecessor. */
    public synchronized void reset(String newSource) throws IOException {
        writer.deleteAll();
        positions.clear();
        source = newSource;
        commit();
    }

    /** The record before {@code nextOffset} of {@code partition} was taken. */
    public synchronized void position(int partition, long nextOffset) {
        positions.put(partition, nextOffset);
    }

    public static AnalyticsStore open(Path dir) {
        try {
            Directory directory = FSDirectory.open(dir);
            IndexWriterConfig config =
                    new IndexWriterConfig()
                            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            return new AnalyticsStore(directory, new IndexWriter(directory, config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the analytics store at " + dir, e);
        }
    }

    /**
     * Keeps a bucket (its JSON as the job wrote it) in place of the one of the same key.
     *
     * @return the bucket read, or null when it is not a bucket (left out)
     */
    public JsonNode put(byte[] json, long nowMs) throws IOException {
        JsonNode bucket = mapper.readTree(json);
        String tenant = bucket.path("tenant_id").asText("");
        String granularity = bucket.path("granularity").asText("");
        Instant start;
        try {
            start = Instant.parse(bucket.path("start").asText(""));
        } catch (RuntimeException e) {
            return null;
        }
        Duration kept = KEPT.get(granularity);
        if (tenant.isEmpty() || kept == null) {
            return null;
        }
        if (start.toEpochMilli() < nowMs - kept.toMillis()) {
            return bucket; // older than buckets of its granularity are kept: not kept
        }
        String id = tenant + "/" + granularity + "/" + start;
        Document doc = new Document();
        doc.add(new KeywordField(ID, id, Field.Store.NO));
        doc.add(new KeywordField(TENANT, tenant, Field.Store.NO));
        doc.add(new KeywordField(GRANULARITY, granularity, Field.Store.NO));
        doc.add(new LongField(START, start.toEpochMilli(), Field.Store.NO));
        doc.add(new StoredField(JSON, json));
        writer.updateDocument(new Term(ID, id), doc);
        if (nowMs >= nextSweepMs) {
            sweep(nowMs);
            nextSweepMs = nowMs + SWEEP_EVERY.toMillis();
        }
        return bucket;
    }

    /** Forgets the bucket of a record key {@code tenant/granularity/start} (a tombstone). */
    public void remove(String key) throws IOException {
        writer.deleteDocuments(new Term(ID, key));
    }

    /** Removes the buckets older than their granularity is kept ({@link #KEPT}). */
    void sweep(long nowMs) throws IOException {
        for (Map.Entry<String, Duration> kept : KEPT.entrySet()) {
            writer.deleteDocuments(
                    new BooleanQuery.Builder()
                            .add(
                                    KeywordField.newExactQuery(GRANULARITY, kept.getKey()),
                                    BooleanClause.Occur.FILTER)
                            .add(
                                    LongField.newRangeQuery(
                                            START,
                                            Long.MIN_VALUE,
                                            nowMs - kept.getValue().toMillis()),
                                    BooleanClause.Occur.FILTER)
                            .build());
        }
    }

    /** The tenant's buckets of {@code granularity} starting in {@code [from, to)}, oldest first. */
    public List<byte[]> range(String tenant, String granularity, long fromMs, long toMs, int limit)
            throws IOException {
        searchers.maybeRefreshBlocking();
        IndexSearcher searcher = searchers.acquire();
        try {
            var query =
                    new BooleanQuery.Builder()
                            .add(
                                    KeywordField.newExactQuery(TENANT, tenant),
                                    BooleanClause.Occur.FILTER)
                            .add(
                                    KeywordField.newExactQuery(GRANULARITY, granularity),
                                    BooleanClause.Occur.FILTER)
                            .add(
                                    LongField.newRangeQuery(START, fromMs, toMs - 1),
                                    BooleanClause.Occur.FILTER)
                            .build();
            Sort byStart =
                    new Sort(LongField.newSortField(START, false, SortedNumericSelector.Type.MIN));
            List<byte[]> buckets = new ArrayList<>();
            var stored = searcher.storedFields();
            for (ScoreDoc hit : searcher.search(query, limit, byStart).scoreDocs) {
                BytesRef json = stored.document(hit.doc).getBinaryValue(JSON);
                buckets.add(Arrays.copyOfRange(json.bytes, json.offset, json.offset + json.length));
            }
            return buckets;
        } finally {
            searchers.release(searcher);
        }
    }

    /** Writes what was kept to disk, with the positions it covers. */
    public synchronized void commit() throws IOException {
        Map<String, String> data = new HashMap<>();
        if (source != null) {
            data.put(SOURCE_DATA, source);
        }
        positions.forEach((p, offset) -> data.put(POSITION_DATA + p, Long.toString(offset)));
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        writer.close();
        directory.close();
    }
}
