package io.signalstream.api.store;

import io.signalstream.model.ConversationKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.queryparser.simple.SimpleQueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.SortedSetSelector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.join.JoinUtil;
import org.apache.lucene.search.join.ScoreMode;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversations in a Lucene index on disk: one document per conversation with the aggregate's
 * bytes, the columns a list shows and filters on and the aggregate's words, and one document per
 * transcript slot with its message and the message's words. A new message writes its slot's
 * document and its conversation's, never the rest of the window again; search joins the words found
 * in a conversation's slots to the conversation. The index is sorted by last activity, newest
 * first, so a page stops after its own hits; the positions of the topics it was filled from are
 * saved in each commit with the data they cover.
 *
 * <p>Heap use does not grow with the number of conversations: postings, columns and stored fields
 * stay on disk (memory-mapped), and what is written but not yet flushed is bounded by {@link
 * Settings#maxPendingConversations} and {@link Settings#maxPendingBytes}. Reads by key see a write
 * at once; lists and search within {@link Settings#refreshInterval}.
 *
 * <p>One thread writes ({@link StoreWriter}); any number read.
 */
public final class LuceneConversationStore
        implements ConversationStore, StoreWriter, AutoCloseable {

    /**
     * @param directory where the index lives; created when missing
     * @param refreshInterval how soon a write shows in lists and search
     * @param commitInterval how often writes and positions are saved together
     * @param maxPendingConversations written but unflushed conversations before a flush is forced
     * @param maxPendingBytes and their bytes
     * @param ramBufferMb Lucene's indexing buffer
     */
    public record Settings(
            Path directory,
            Duration refreshInterval,
            Duration commitInterval,
            int maxPendingConversations,
            long maxPendingBytes,
            double ramBufferMb) {

        public Settings {
            if (!refreshInterval.isPositive() || !commitInterval.isPositive()) {
                throw new IllegalArgumentException(
                        "the store's refresh and commit intervals must be positive, not "
                                + refreshInterval
                                + " and "
                                + commitInterval);
            }
        }

        public static Settings defaults(Path directory) {
            return new Settings(
                    directory, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, 32L << 20, 48);
        }

        /** A copy whose writes show in lists and search within {@code interval}. */
        public Settings withRefreshInterval(Duration interval) {
            return new Settings(
                    directory,
                    interval,
                    commitInterval,
                    maxPendingConversations,
                    maxPendingBytes,
                    ramBufferMb);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LuceneConversationStore.class);

    static final String KEY = "key";
    static final String TENANT = "tenant";
    static final String UPDATED = "updated";
    static final String VERSION = "version";
    static final String EPOCH = "epoch";
    static final String MESSAGE_COUNT = "message_count";
    static final String SENTIMENT = "sentiment";
    static final String SENTIMENT_SCORE = "sentiment_score";
    static final String URGENCY = "urgency";
    static final String INTENT = "intent";
    static final String ESCALATION = "escalation";
    static final String WAITING_SINCE = "waiting_since";
    static final String TEXT = "text";
    static final String AGGREGATE = "aggregate";
    static final String SLOT = "slot";

    /** A transcript slot's document: {@code <conversation key>#<slot>}, its identity. */
    static final String SLOT_ID = "slot_id";

    /** A transcript slot's conversation key: how its words are joined to the conversation. */
    static final String OWNER = "owner";

    /** A transcript slot's tenant, so a search joins only that tenant's slots. */
    static final String OWNER_TENANT = "owner_tenant";

    /** A transcript slot's message number. */
    static final String SLOT_SEQ = "slot_seq";

    private static final String SOURCE_DATA = "source";
    private static final String POSITION_DATA = "position:";

    /**
     * How the documents are laid out; a store written in another layout is emptied on open and
     * filled again from the topics.
     */
    private static final String LAYOUT_DATA = "layout";

    static final String LAYOUT = "slots-apart";

    /** Newest activity first, then by key, so every conversation has one place in a listing. */
    static final Sort SORT =
            new Sort(
                    LongField.newSortField(UPDATED, true, SortedNumericSelector.Type.MIN),
                    KeywordField.newSortField(KEY, false, SortedSetSelector.Type.MIN));

    /** The customers waiting longest first. */
    static final Sort LONGEST_WAITING =
            new Sort(
                    LongField.newSortField(WAITING_SINCE, false, SortedNumericSelector.Type.MIN),
                    KeywordField.newSortField(KEY, false, SortedSetSelector.Type.MIN));

    /** Hits counted exactly before a total becomes "at least". */
    static final int TOTAL_HITS_THRESHOLD = 1_000;

    private final Settings settings;
    private final TextAnalyzer analyzer = new TextAnalyzer();
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final OrderLookup orders = new OrderLookup();

    /** Written, not flushed: read before the index by every lookup. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private final AtomicLong pendingBytes = new AtomicLong();
    private final Map<String, Long> positions = new ConcurrentHashMap<>();

    private volatile boolean unsaved;
    private volatile String source;

    /** Held while the index is written: flushes, commits and resets, one at a time. */
    private final Object writing = new Object();

    private long lastCommit = System.nanoTime();
    private final Thread flusher;
    private volatile boolean closed;

    private volatile long countedVersion = -1;
    private volatile long counted;

    private LuceneConversationStore(Settings settings, Directory directory, IndexWriter writer)
            throws IOException {
        this.settings = settings;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, new SearcherFactory());
        // The order lookup gives back its searcher at each refresh: an index it held on to would
        // keep the files of merged-away segments on disk until the next aggregate came.
        searchers.addListener(
                new ReferenceManager.RefreshListener() {
                    @Override
                    public void beforeRefresh() {}

                    @Override
                    public void afterRefresh(boolean didRefresh) throws IOException {
                        if (didRefresh) {
                            orders.release();
                        }
                    }
                });
        Map<String, String> saved = new HashMap<>();
        Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
        if (data != null) {
            data.forEach(e -> saved.put(e.getKey(), e.getValue()));
        }
        if (!saved.isEmpty() && !LAYOUT.equals(saved.get(LAYOUT_DATA))) {
            // Written by an earlier version: the feed finds no source and fills it afresh.
            LOG.info(
                    "the conversation store {} was written in an earlier layout; it is emptied"
                            + " and filled again from Kafka",
                    settings.directory());
            saved.clear();
        }
        this.source = saved.get(SOURCE_DATA);
        saved.forEach(
                (k, v) -> {
                    if (k.startsWith(POSITION_DATA)) {
                        positions.put(k.substring(POSITION_DATA.length()), Long.parseLong(v));
                    }
                });
        this.flusher = Thread.ofPlatform().name("store-flush").daemon().start(this::flushLoop);
    }

    /**
     * Flushes every refresh interval, or at once when the writes not yet flushed reach their bound,
     * and saves every commit interval: on its own thread, so the feed never waits on disk unless it
     * is that far ahead.
     */
    private void flushLoop() {
        while (!closed) {
            LockSupport.parkNanos(settings.refreshInterval().toNanos());
            if (closed) {
                return;
            }
            try {
                if (unsaved
                        && System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
                    save();
                } else {
                    flush();
                }
            } catch (RuntimeException e) {
                LOG.error("writing the conversation store failed; retrying: {}", e.toString());
            }
        }
    }

    /**
     * Opens the store at {@code settings.directory()}. A store another version cannot read, or a
     * damaged one, is set aside and started empty: it is only ever a copy of the topics and is
     * filled again from them.
     */
    public static LuceneConversationStore open(Settings settings) {
        try {
            Files.createDirectories(settings.directory());
            try {
                return openIn(settings);
            } catch (LockObtainFailedException e) {
                throw new IllegalStateException(
                        "The conversation store "
                                + settings.directory()
                                + " is in use by another API process; give each its own"
                                + " (SIGNALSTREAM_STORE_DIR)",
                        e);
            } catch (IllegalArgumentException
                    | CorruptIndexException
                    | IndexFormatTooOldException
                    | IndexFormatTooNewException e) {
                Path aside =
                        settings.directory()
                                .resolveSibling(
                                        settings.directory().getFileName()
                                                + ".unreadable-"
                                                + System.currentTimeMillis());
                LOG.warn(
                        "the conversation store {} cannot be read ({}); moved to {} and filled"
                                + " again from Kafka",
                        settings.directory(),
                        e.toString(),
                        aside);
                Files.move(settings.directory(), aside);
                Files.createDirectories(settings.directory());
                return openIn(settings);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open the conversation store at " + settings.directory(), e);
        }
    }

    private static LuceneConversationStore openIn(Settings settings) throws IOException {
        Directory directory = FSDirectory.open(settings.directory());
        try {
            IndexWriterConfig config =
                    new IndexWriterConfig(new TextAnalyzer())
                            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                            .setIndexSort(SORT)
                            .setRAMBufferSizeMB(settings.ramBufferMb())
                            .setCommitOnClose(false);
            return new LuceneConversationStore(
                    settings, directory, new IndexWriter(directory, config));
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    // ---- reads

    @Override
    public Optional<StoredAggregate> aggregate(String key) {
        Pending p = pending.get(key);
        if (p != null && (p.aggregate() != null || p.deleted())) {
            return Optional.ofNullable(p.aggregate());
        }
        return withSearcher(s -> Optional.ofNullable(storedAggregate(s, key)));
    }

    @Override
    public List<TranscriptSlot> transcript(String key) {
        Pending p = pending.get(key);
        Map<String, TranscriptSlot> stored =
                p != null && p.deleted() ? Map.of() : withSearcher(s -> storedSlots(s, key));
        Map<String, TranscriptSlot> slots = p == null ? stored : p.applyTo(stored);
        List<TranscriptSlot> ordered = new ArrayList<>(slots.values());
        ordered.sort(Comparator.comparingLong(TranscriptSlot::seq));
        return ordered;
    }

    /**
     * The stored epoch and version of a conversation's aggregate (without its bytes), or null when
     * there is none.
     */
    StoredAggregate order(String key) {
        Pending p = pending.get(key);
        if (p != null && (p.aggregate() != null || p.deleted())) {
            return p.aggregate();
        }
        try {
            return orders.order(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the conversation store", e);
        }
    }

    /**
     * The stored orders of aggregates, looked up once per aggregate the feed reads with {@link
     * Enumerators} kept for the next lookup while the searcher stays the same (enumerators made
     * afresh for each lookup were a tenth of the API's allocation end to end). It holds one
     * acquired searcher, given back at the next refresh and on close.
     */
    private final class OrderLookup {
        private IndexSearcher searcher;
        private Enumerators enumerators;

        synchronized StoredAggregate order(String key) throws IOException {
            follow();
            StoredAggregate[] found = new StoredAggregate[1];
            liveDocs(
                    searcher,
                    new Term(KEY, key),
                    enumerators,
                    (reader, doc) -> {
                        found[0] = storedOrder(reader, key, doc);
                        return false;
                    });
            return found[0];
        }

        /**
         * Takes the searcher now current unless one is held: the held one is given back at each
         * refresh, so it is never older than the last refresh.
         */
        private void follow() throws IOException {
            if (searcher == null) {
                searcher = searchers.acquire();
                enumerators = new Enumerators(searcher);
            }
        }

        synchronized boolean holds() {
            return searcher != null;
        }

        synchronized void release() throws IOException {
            if (searcher != null) {
                searchers.release(searcher);
                searcher = null;
            }
        }
    }

    /** The epoch and version of the aggregate in {@code doc}, or null for a document without. */
    private static StoredAggregate storedOrder(LeafReader reader, String key, int doc)
            throws IOException {
        NumericDocValues v = reader.getNumericDocValues(VERSION);
        if (v == null || !v.advanceExact(doc)) {
            return null; // transcript slots without an aggregate
        }
        return new StoredAggregate(key, number(reader, EPOCH, doc), v.longValue(), null);
    }

    /** Whether the order lookup holds a searcher now (it gives it back at each refresh). */
    boolean orderLookupHoldsSearcher() {
        return orders.holds();
    }

    /** The stored version of a conversation's aggregate, or -1 when there is none. */
    long version(String key) {
        StoredAggregate stored = order(key);
        return stored == null ? -1 : stored.version();
    }

    @Override
    public Page list(ConversationQuery q) {
        FieldDoc after =
                q.after() == null
                        ? null
                        : new FieldDoc(
                                Integer.MAX_VALUE,
                                Float.NaN,
                                new Object[] {
                                    q.after().lastActivityMillis(), new BytesRef(q.after().key())
                                });
        int wanted = q.offset() + q.limit() + 1;
        return withSearcher(
                s -> {
                    TopFieldDocs top =
                            s.search(
                                    query(q, s),
                                    new TopFieldCollectorManager(
                                            q.longestWaitingFirst() ? LONGEST_WAITING : SORT,
                                            wanted,
                                            after,
                                            TOTAL_HITS_THRESHOLD));
                    ScoreDoc[] hits = top.scoreDocs;
                    int from = Math.min(q.offset(), hits.length);
                    int to = Math.min(hits.length, from + q.limit());
                    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
                    Columns[] columns = new Columns[leaves.size()];
                    List<Summary> items = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        int leaf = ReaderUtil.subIndex(hits[i].doc, leaves);
                        if (columns[leaf] == null) {
                            columns[leaf] = new Columns(leaves.get(leaf).reader());
                        }
                        items.add(columns[leaf].summary(hits[i].doc - leaves.get(leaf).docBase));
                    }
                    String next = null;
                    if (hits.length > to && to > from) {
                        Object[] last = ((FieldDoc) hits[to - 1]).fields;
                        next =
                                new Cursor(
                                                (Long) last[0],
                                                ((BytesRef) last[1]).utf8ToString(),
                                                q.longestWaitingFirst())
                                        .encode();
                    }
                    return new Page(
                            items,
                            top.totalHits.value(),
                            top.totalHits.relation() == TotalHits.Relation.EQUAL_TO,
                            next);
                });
    }

    private Query query(ConversationQuery q, IndexSearcher searcher) throws IOException {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(KeywordField.newExactQuery(TENANT, q.tenant()), BooleanClause.Occur.FILTER);
        filter(b, INTENT, q.intent());
        filter(b, SENTIMENT, q.sentiment());
        filter(b, URGENCY, q.urgency());
        if (q.escalation() != null) {
            filter(b, ESCALATION, q.escalation().toString());
        }
        if (q.waiting() != null || q.longestWaitingFirst()) {
            b.add(
                    new FieldExistsQuery(WAITING_SINCE),
                    q.longestWaitingFirst() || q.waiting()
                            ? BooleanClause.Occur.FILTER
                            : BooleanClause.Occur.MUST_NOT);
        }
        if (q.from() != null || q.to() != null) {
            long from = q.from() == null ? Long.MIN_VALUE : q.from().toEpochMilli();
            long to = q.to() == null ? Long.MAX_VALUE : q.to().toEpochMilli() - 1;
            b.add(LongField.newRangeQuery(UPDATED, from, to), BooleanClause.Occur.FILTER);
        }
        if (q.text() != null && !q.text().isBlank()) {
            b.add(
                    new WordsParser(analyzer, searcher, q.tenant()).parse(q.text()),
                    BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    /**
     * A search's words, each found in the conversation's own document (its id, the aggregate's
     * words) or in any of its transcript slots: "refund card" finds a conversation whose customer
     * wrote "refund" in one message and "card" in another, as it would if they were one text; a
     * phrase stays within one message.
     */
    private static final class WordsParser extends SimpleQueryParser {
        private final IndexSearcher searcher;
        private final Query tenantSlots;

        WordsParser(TextAnalyzer analyzer, IndexSearcher searcher, String tenant) {
            super(analyzer, TEXT);
            this.searcher = searcher;
            this.tenantSlots = new TermQuery(new Term(OWNER_TENANT, tenant));
            setDefaultOperator(BooleanClause.Occur.MUST);
        }

        @Override
        protected Query newDefaultQuery(String text) {
            return inConversation(super.newDefaultQuery(text));
        }

        @Override
        protected Query newFuzzyQuery(String text, int fuzziness) {
            return inConversation(super.newFuzzyQuery(text, fuzziness));
        }

        @Override
        protected Query newPhraseQuery(String text, int slop) {
            return inConversation(super.newPhraseQuery(text, slop));
        }

        @Override
        protected Query newPrefixQuery(String text) {
            return inConversation(super.newPrefixQuery(text));
        }

        private Query inConversation(Query words) {
            if (words == null) {
                return null;
            }
            Query inSlots =
                    new BooleanQuery.Builder()
                            .add(tenantSlots, BooleanClause.Occur.FILTER)
                            .add(words, BooleanClause.Occur.FILTER)
                            .build();
            try {
                return new BooleanQuery.Builder()
                        .add(words, BooleanClause.Occur.SHOULD)
                        .add(
                                JoinUtil.createJoinQuery(
                                        OWNER, true, KEY, inSlots, searcher, ScoreMode.None),
                                BooleanClause.Occur.SHOULD)
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the conversation store", e);
            }
        }
    }

    private static void filter(BooleanQuery.Builder b, String field, String value) {
        if (value != null) {
            b.add(KeywordField.newExactQuery(field, value), BooleanClause.Occur.FILTER);
        }
    }

    private static long number(LeafReader r, String field, int doc) throws IOException {
        return Columns.number(r.getNumericDocValues(field), doc);
    }

    /**
     * A page's list lines from the documents' columns (the stored aggregate is not read): one set
     * of column readers per segment, advanced in document order, opened again only when a hit lies
     * behind the last one read (a sort other than the index's).
     */
    private static final class Columns {
        private final LeafReader reader;
        private int last = -1;
        private SortedSetDocValues key;
        private SortedSetDocValues sentiment;
        private SortedSetDocValues urgency;
        private SortedSetDocValues intent;
        private SortedSetDocValues escalation;
        private NumericDocValues score;
        private NumericDocValues messageCount;
        private NumericDocValues version;
        private NumericDocValues epoch;
        private SortedNumericDocValues updated;
        private SortedNumericDocValues waiting;

        Columns(LeafReader reader) throws IOException {
            this.reader = reader;
            open();
        }

        /** Readers positioned before the segment's first document. */
        private void open() throws IOException {
            key = reader.getSortedSetDocValues(KEY);
            sentiment = reader.getSortedSetDocValues(SENTIMENT);
            urgency = reader.getSortedSetDocValues(URGENCY);
            intent = reader.getSortedSetDocValues(INTENT);
            escalation = reader.getSortedSetDocValues(ESCALATION);
            score = reader.getNumericDocValues(SENTIMENT_SCORE);
            messageCount = reader.getNumericDocValues(MESSAGE_COUNT);
            version = reader.getNumericDocValues(VERSION);
            epoch = reader.getNumericDocValues(EPOCH);
            updated = reader.getSortedNumericDocValues(UPDATED);
            waiting = reader.getSortedNumericDocValues(WAITING_SINCE);
        }

        Summary summary(int doc) throws IOException {
            if (doc <= last) {
                open();
            }
            last = doc;
            String k = keyword(key, doc);
            Long lastActivity = first(updated, doc);
            Long waitingSince = first(waiting, doc);
            return new Summary(
                    k == null ? null : k.substring(k.indexOf('/') + 1),
                    number(messageCount, doc),
                    number(version, doc),
                    number(epoch, doc),
                    lastActivity == null ? null : Instant.ofEpochMilli(lastActivity),
                    keyword(sentiment, doc),
                    score != null && score.advanceExact(doc)
                            ? Double.longBitsToDouble(score.longValue())
                            : null,
                    keyword(urgency, doc),
                    keyword(intent, doc),
                    "true".equals(keyword(escalation, doc)),
                    waitingSince == null ? null : Instant.ofEpochMilli(waitingSince));
        }

        private static String keyword(SortedSetDocValues values, int doc) throws IOException {
            return values != null && values.advanceExact(doc)
                    ? values.lookupOrd(values.nextOrd()).utf8ToString()
                    : null;
        }

        private static long number(NumericDocValues values, int doc) throws IOException {
            return values != null && values.advanceExact(doc) ? values.longValue() : 0;
        }

        private static Long first(SortedNumericDocValues values, int doc) throws IOException {
            return values != null && values.advanceExact(doc) ? values.nextValue() : null;
        }
    }

    @Override
    public long conversations() {
        return withSearcher(
                s -> {
                    long version = ((DirectoryReader) s.getIndexReader()).getVersion();
                    if (version != countedVersion) {
                        counted = s.count(new FieldExistsQuery(TENANT));
                        countedVersion = version;
                    }
                    return counted;
                });
    }

    /** Conversations written and not yet in the index. */
    public int pendingConversations() {
        return pending.size();
    }

    // ---- writes (one feeding thread; the flusher writes the index)

    @Override
    public boolean putAggregate(StoredAggregate aggregate) {
        // (epoch, version) only grows, so a flush between this check and the change cannot undo
        // it.
        if (!aggregate.newerThan(order(aggregate.key()))) {
            return false;
        }
        change(aggregate.key(), p -> p.withAggregate(aggregate));
        return true;
    }

    @Override
    public void putSlot(String conversationKey, TranscriptSlot slot) {
        change(conversationKey, p -> p.withSlot(slot));
    }

    @Override
    public void deleteConversation(String key) {
        change(key, p -> Pending.DELETED);
    }

    @Override
    public void erase(String key) {
        deleteConversation(key);
        flush();
    }

    @Override
    public void deleteSlot(String conversationKey, String slot) {
        change(conversationKey, p -> p.withoutSlot(slot));
    }

    /** Changes a conversation's pending entry atomically with respect to the flusher. */
    private void change(String key, UnaryOperator<Pending> update) {
        pending.compute(
                key,
                (k, current) -> {
                    Pending old = current == null ? Pending.NONE : current;
                    Pending next = update.apply(old);
                    pendingBytes.addAndGet(next.bytes() - old.bytes());
                    return next;
                });
        unsaved = true;
    }

    @Override
    public void position(String topicPartition, long nextOffset) {
        positions.put(topicPartition, nextOffset);
        unsaved = true;
    }

    @Override
    public Map<String, Long> positions() {
        return Map.copyOf(positions);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void reset(String newSource) {
        synchronized (writing) {
            try {
                pending.clear();
                pendingBytes.set(0);
                positions.clear();
                writer.deleteAll();
                source = newSource;
                commit(Map.of());
                searchers.maybeRefreshBlocking();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void awaitRoom() {
        while (!closed && full()) {
            LockSupport.unpark(flusher);
            synchronized (pending) {
                try {
                    pending.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean full() {
        return pending.size() >= settings.maxPendingConversations()
                || pendingBytes.get() >= settings.maxPendingBytes();
    }

    /** Puts every pending write into the index and makes it visible to lists and search. */
    public void flush() {
        synchronized (writing) {
            if (pending.isEmpty()) {
                return;
            }
            try {
                List<Map.Entry<String, Pending>> batch = new ArrayList<>(pending.size());
                pending.forEach((k, v) -> batch.add(new AbstractMap.SimpleImmutableEntry<>(k, v)));
                batch.sort(Map.Entry.comparingByKey());
                IndexSearcher searcher = searchers.acquire();
                try {
                    Map<String, Long> stored = storedSeqs(searcher, batch);
                    for (Map.Entry<String, Pending> e : batch) {
                        write(e.getKey(), e.getValue(), stored);
                    }
                } finally {
                    searchers.release(searcher);
                }
                searchers.maybeRefreshBlocking();
                // What changed meanwhile stays for the next flush.
                for (Map.Entry<String, Pending> e : batch) {
                    if (pending.remove(e.getKey(), e.getValue())) {
                        pendingBytes.addAndGet(-e.getValue().bytes());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the conversation store", e);
            }
        }
        synchronized (pending) {
            pending.notifyAll();
        }
    }

    /** Flushes, then saves the data with the positions it covers. */
    public void save() {
        synchronized (writing) {
            // Positions first: every record before them is pending or flushed already.
            Map<String, Long> covered = Map.copyOf(positions);
            flush();
            try {
                commit(covered);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the conversation store", e);
            }
        }
    }

    private void commit(Map<String, Long> covered) throws IOException {
        Map<String, String> data = new HashMap<>();
        data.put(LAYOUT_DATA, LAYOUT);
        if (source != null) {
            data.put(SOURCE_DATA, source);
        }
        covered.forEach((k, v) -> data.put(POSITION_DATA + k, Long.toString(v)));
        unsaved = false;
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
        lastCommit = System.nanoTime();
    }

    /**
     * Writes what changed in one conversation: its own document when a newer aggregate came, and
     * the document of each transcript slot written or removed. Nothing else of it is read or
     * written again.
     *
     * @param stored the message number the index holds for each slot {@code p} writes over, by the
     *     slot's document id (see {@link #storedSeqs})
     */
    private void write(String key, Pending p, Map<String, Long> stored) throws IOException {
        if (p.deleted()) {
            writer.deleteDocuments(new Term(KEY, key), new Term(OWNER, key));
        }
        for (String slot : p.removed()) {
            writer.deleteDocuments(new Term(SLOT_ID, slotId(key, slot)));
        }
        for (TranscriptSlot slot : p.slots()) {
            String id = slotId(key, slot.slot());
            // A replayed older message never replaces a newer one already in the index.
            Long before = stored.get(id);
            if (before == null || slot.seq() > before) {
                writer.updateDocument(new Term(SLOT_ID, id), slotDocument(key, id, slot));
            }
        }
        if (p.aggregate() != null) {
            writer.updateDocument(new Term(KEY, key), document(key, p.aggregate()));
        }
    }

    private static String slotId(String key, String slot) {
        return key + '#' + slot;
    }

    /**
     * The message number the index holds for each slot the batch writes over (not those of a
     * conversation or slot it removes first), by the slot's document id: looked up segment by
     * segment with one terms enumerator each, the ids in order, the numbers in document order.
     */
    private static Map<String, Long> storedSeqs(
            IndexSearcher searcher, List<Map.Entry<String, Pending>> batch) throws IOException {
        List<BytesRef> ids = new ArrayList<>();
        for (Map.Entry<String, Pending> e : batch) {
            Pending p = e.getValue();
            if (p.deleted()) {
                continue;
            }
            for (TranscriptSlot slot : p.slots()) {
                if (!p.removed().contains(slot.slot())) {
                    ids.add(new BytesRef(slotId(e.getKey(), slot.slot())));
                }
            }
        }
        Map<String, Long> seqs = new HashMap<>();
        if (ids.isEmpty()) {
            return seqs;
        }
        ids.sort(null);
        PostingsEnum postings = null;
        long[] found = new long[ids.size()];
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(SLOT_ID);
            if (terms == null) {
                continue;
            }
            TermsEnum te = terms.iterator();
            Bits live = leaf.reader().getLiveDocs();
            int n = 0;
            for (int i = 0; i < ids.size(); i++) {
                if (!te.seekExact(ids.get(i))) {
                    continue;
                }
                postings = te.postings(postings, PostingsEnum.NONE);
                for (int d = postings.nextDoc();
                        d != PostingsEnum.NO_MORE_DOCS;
                        d = postings.nextDoc()) {
                    if (live == null || live.get(d)) {
                        found[n++] = (long) d << 32 | i; // read below in document order
                        break;
                    }
                }
            }
            NumericDocValues values = leaf.reader().getNumericDocValues(SLOT_SEQ);
            if (n == 0 || values == null) {
                continue;
            }
            Arrays.sort(found, 0, n);
            for (int j = 0; j < n; j++) {
                if (values.advanceExact((int) (found[j] >>> 32))) {
                    seqs.put(ids.get((int) found[j]).utf8ToString(), values.longValue());
                }
            }
        }
        return seqs;
    }

    private static Document slotDocument(String key, String id, TranscriptSlot slot) {
        Document doc = new Document();
        doc.add(new StringField(SLOT_ID, id, Field.Store.NO));
        doc.add(new KeywordField(OWNER, key, Field.Store.NO));
        doc.add(new StringField(OWNER_TENANT, ConversationKey.tenantOf(key), Field.Store.NO));
        doc.add(new NumericDocValuesField(SLOT_SEQ, slot.seq()));
        doc.add(new StoredField(SLOT, encode(slot)));
        String text = slotText(key, slot);
        if (text != null) {
            doc.add(new TextField(TEXT, text, Field.Store.NO));
        }
        return doc;
    }

    private static String slotText(String key, TranscriptSlot slot) {
        try {
            return AggregateDigest.message(slot.json());
        } catch (IOException e) {
            LOG.debug("transcript slot of {} is not readable: {}", key, e.toString());
            return null;
        }
    }

    private static Document document(String key, StoredAggregate aggregate) {
        Document doc = new Document();
        doc.add(new KeywordField(KEY, key, Field.Store.NO));
        StringBuilder text = new StringBuilder(key.substring(key.indexOf('/') + 1)).append('\n');
        doc.add(new StoredField(AGGREGATE, aggregate.json()));
        doc.add(new NumericDocValuesField(VERSION, aggregate.version()));
        doc.add(new NumericDocValuesField(EPOCH, aggregate.epoch()));
        index(doc, key, aggregate, text);
        doc.add(new TextField(TEXT, text.toString(), Field.Store.NO));
        return doc;
    }

    /** The columns and words of an aggregate; one that cannot be read is kept but not listed. */
    private static void index(
            Document doc, String key, StoredAggregate aggregate, StringBuilder text) {
        AggregateDigest d;
        try {
            d = AggregateDigest.parse(aggregate.json());
        } catch (IOException e) {
            LOG.warn("aggregate of {} is not readable; kept but not listed: {}", key, e.toString());
            return;
        }
        doc.add(new KeywordField(TENANT, ConversationKey.tenantOf(key), Field.Store.NO));
        doc.add(
                new LongField(
                        UPDATED,
                        d.lastUpdated() == null ? 0 : d.lastUpdated().toEpochMilli(),
                        Field.Store.NO));
        doc.add(new NumericDocValuesField(MESSAGE_COUNT, d.messageCount()));
        if (d.sentiment() != null) {
            keyword(doc, SENTIMENT, d.sentiment().sentiment());
            if (d.sentiment().score() != null) {
                doc.add(
                        new NumericDocValuesField(
                                SENTIMENT_SCORE,
                                Double.doubleToRawLongBits(d.sentiment().score())));
            }
        }
        if (d.insights() != null) {
            keyword(doc, INTENT, d.insights().intent());
            keyword(doc, URGENCY, d.insights().urgency());
            keyword(doc, ESCALATION, Boolean.toString(d.insights().requiresEscalation()));
        } else {
            keyword(doc, ESCALATION, "false");
        }
        if (d.operations() != null && d.operations().waitingSince() != null) {
            doc.add(
                    new LongField(
                            WAITING_SINCE,
                            d.operations().waitingSince().toEpochMilli(),
                            Field.Store.NO));
        }
        d.appendText(text);
    }

    private static void keyword(Document doc, String field, String value) {
        if (value != null) {
            doc.add(new KeywordField(field, value, Field.Store.NO));
        }
    }

    // ---- lookups

    private record Hit(LeafReader reader, int doc) {}

    /** A conversation's live document, or null. */
    private static Hit find(IndexSearcher searcher, String key) throws IOException {
        Hit[] found = new Hit[1];
        liveDocs(
                searcher,
                new Term(KEY, key),
                (reader, doc) -> {
                    found[0] = new Hit(reader, doc);
                    return false;
                });
        return found[0];
    }

    private interface DocVisitor {
        /** Returns whether to go on to the next document. */
        boolean visit(LeafReader reader, int doc) throws IOException;
    }

    /**
     * Per segment of one searcher, the terms and postings enumerators of one field, made when first
     * needed and reused by every {@link #liveDocs} call given the same instance.
     */
    private static final class Enumerators {
        final TermsEnum[] terms;
        final PostingsEnum[] postings;

        Enumerators(IndexSearcher searcher) {
            int leaves = searcher.getIndexReader().leaves().size();
            terms = new TermsEnum[leaves];
            postings = new PostingsEnum[leaves];
        }
    }

    /** Visits the live documents holding {@code term}, segment by segment, until told to stop. */
    private static void liveDocs(IndexSearcher searcher, Term term, DocVisitor visitor)
            throws IOException {
        liveDocs(searcher, term, new Enumerators(searcher), visitor);
    }

    /**
     * {@link #liveDocs}, reading with {@code enumerators} (of {@code searcher} and the term's
     * field).
     */
    private static void liveDocs(
            IndexSearcher searcher, Term term, Enumerators enumerators, DocVisitor visitor)
            throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        for (int i = 0; i < leaves.size(); i++) {
            LeafReader reader = leaves.get(i).reader();
            if (enumerators.terms[i] == null) {
                Terms terms = reader.terms(term.field());
                enumerators.terms[i] = terms == null ? TermsEnum.EMPTY : terms.iterator();
            }
            if (!enumerators.terms[i].seekExact(term.bytes())) {
                continue;
            }
            PostingsEnum docs =
                    enumerators.terms[i].postings(enumerators.postings[i], PostingsEnum.NONE);
            enumerators.postings[i] = docs;
            Bits live = reader.getLiveDocs();
            for (int d = docs.nextDoc(); d != PostingsEnum.NO_MORE_DOCS; d = docs.nextDoc()) {
                if ((live == null || live.get(d)) && !visitor.visit(reader, d)) {
                    return;
                }
            }
        }
    }

    /** A conversation's stored aggregate, or null. */
    private static StoredAggregate storedAggregate(IndexSearcher searcher, String key)
            throws IOException {
        Hit hit = find(searcher, key);
        if (hit == null) {
            return null;
        }
        byte[][] aggregate = new byte[1][];
        hit.reader()
                .storedFields()
                .document(
                        hit.doc(),
                        new StoredFieldVisitor() {
                            @Override
                            public Status needsField(FieldInfo field) {
                                if (aggregate[0] != null) {
                                    return Status.STOP;
                                }
                                return field.name.equals(AGGREGATE) ? Status.YES : Status.NO;
                            }

                            @Override
                            public void binaryField(FieldInfo field, byte[] value) {
                                aggregate[0] = value;
                            }
                        });
        return aggregate[0] == null
                ? null
                : new StoredAggregate(
                        key,
                        number(hit.reader(), EPOCH, hit.doc()),
                        number(hit.reader(), VERSION, hit.doc()),
                        aggregate[0]);
    }

    /** A conversation's transcript slots in the index, by name. */
    private static Map<String, TranscriptSlot> storedSlots(IndexSearcher searcher, String key)
            throws IOException {
        Map<String, TranscriptSlot> slots = new HashMap<>();
        StoredFieldVisitor visitor =
                new StoredFieldVisitor() {
                    @Override
                    public Status needsField(FieldInfo field) {
                        return field.name.equals(SLOT) ? Status.YES : Status.NO;
                    }

                    @Override
                    public void binaryField(FieldInfo field, byte[] value) throws IOException {
                        TranscriptSlot slot = decode(value);
                        slots.merge(slot.slot(), slot, (a, b) -> b.seq() > a.seq() ? b : a);
                    }
                };
        liveDocs(
                searcher,
                new Term(OWNER, key),
                (reader, doc) -> {
                    reader.storedFields().document(doc, visitor);
                    return true;
                });
        return slots;
    }

    static byte[] encode(TranscriptSlot slot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(slot.json().length + 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(slot.slot());
            out.writeLong(slot.seq());
            out.write(slot.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TranscriptSlot decode(byte[] value) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            String slot = in.readUTF();
            long seq = in.readLong();
            return new TranscriptSlot(slot, seq, in.readAllBytes());
        }
    }

    private interface SearcherCall<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherCall<T> call) {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return call.apply(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the conversation store", e);
        }
    }

    /** Saves what was written, then closes the index. Call after the feed stopped. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(flusher);
        try {
            flusher.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            save();
        } catch (RuntimeException e) {
            LOG.warn("could not save the conversation store on close: {}", e.toString());
        }
        try {
            orders.release();
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            LOG.warn("closing the conversation store: {}", e.toString());
        }
    }
}
