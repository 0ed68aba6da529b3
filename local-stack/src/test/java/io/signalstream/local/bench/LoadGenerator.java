package io.signalstream.local.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalstream.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Open-loop load on the API: request {@code i} is due at {@code t0 + i / rate} and its latency
 * counts from then, so a stall on the server side is charged to every request it delayed (no
 * coordinated omission). Requests go out over a fixed pool of keep-alive connections. With a
 * WebSocket open on the tenant's stream, it also times each message from its intended send until an
 * update shows every agent reflecting it.
 */
final class LoadGenerator implements AutoCloseable {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

    /**
     * What one run measured.
     *
     * @param postMicros each POST from when it was due to its answer
     * @param lateMicros each POST from when it was due to when a connection began sending it: the
     *     share of {@code postMicros} spent in the generator, waiting for one of its connections
     *     (all busy with earlier POSTs still unanswered) or, on a shared machine, for a core
     */
    record Result(
            double rate,
            long sent,
            long accepted,
            long errors,
            Histogram postMicros,
            Histogram lateMicros,
            long seen,
            Histogram updateMicros,
            double seconds) {

        /** This run and {@code next} as one: counts summed, histograms merged, rates averaged. */
        Result plus(Result next) {
            return new Result(
                    (rate * seconds + next.rate * next.seconds) / (seconds + next.seconds),
                    sent + next.sent,
                    accepted + next.accepted,
                    errors + next.errors,
                    merged(postMicros, next.postMicros),
                    merged(lateMicros, next.lateMicros),
                    seen + next.seen,
                    merged(updateMicros, next.updateMicros),
                    seconds + next.seconds);
        }

        private static Histogram merged(Histogram a, Histogram b) {
            Histogram sum = a.copy();
            sum.add(b);
            return sum;
        }
    }

    private final String api;
    private final String key;
    private final int connections;

    LoadGenerator(String api, String key, int connections) {
        this.api = api;
        this.key = key;
        this.connections = connections;
    }

    /** A message of a run: its conversation, its number in it, and when it was due. */
    private record Due(String conversation, int n, long dueNanos, String body) {}

    /** Per conversation: when each message was due, and how many an update has shown so far. */
    private static final class Track {
        final long[] due;
        int seen;

        Track(int messages) {
            due = new long[messages + 1];
        }
    }

    /**
     * Posts {@code rate × seconds} messages over {@code conversations} new conversations; with
     * {@code watch}, waits up to {@code deadline} after the last one for the updates and counts
     * messages never shown as taking until then.
     */
    Result run(
            String runId,
            double rate,
            double seconds,
            int conversations,
            boolean watch,
            Duration deadline,
            Corpus corpus)
            throws Exception {
        long total = Math.round(rate * seconds);
        int perConversation = (int) ((total + conversations - 1) / conversations);
        Map<String, Track> tracks = new ConcurrentHashMap<>();
        ConcurrentHistogram post = new ConcurrentHistogram(MAX_MICROS, 3);
        ConcurrentHistogram late = new ConcurrentHistogram(MAX_MICROS, 3);
        ConcurrentHistogram update = new ConcurrentHistogram(MAX_MICROS, 3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong seen = new AtomicLong();
        WebSocket ws = watch ? watch(tracks, update, seen) : null;

        BlockingQueue<Due> queue = new LinkedBlockingQueue<>();
        List<Thread> workers = new ArrayList<>();
        URI base = URI.create(api);
        for (int c = 0; c < connections; c++) {
            RawHttp connection = new RawHttp(base.getHost(), base.getPort());
            workers.add(
                    Thread.ofPlatform()
                            .daemon()
                            .start(() -> send(connection, queue, post, late, accepted, errors)));
        }
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        for (long i = 0; i < total; i++) {
            String conversation = runId + "-" + (i % conversations);
            int n = (int) (i / conversations) + 1;
            long due = t0 + (long) (i * 1e9 / rate);
            Track track = tracks.computeIfAbsent(conversation, k -> new Track(perConversation));
            track.due[n] = due;
            boolean customer = Corpus.customer(n);
            String body =
                    Corpus.post(conversation, runId + "-m" + i, customer, corpus.text(customer));
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            queue.add(new Due(conversation, n, due, body));
        }
        for (int c = 0; c < connections; c++) {
            queue.add(new Due(null, 0, 0, null));
        }
        for (Thread w : workers) {
            w.join();
        }
        long lastDue = t0 + (long) ((total - 1) * 1e9 / rate);
        if (watch) {
            long end = lastDue + deadline.toNanos();
            while (System.nanoTime() < end && seen.get() < accepted.get()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            ws.abort();
            long now = Math.max(System.nanoTime(), end);
            for (Track t : tracks.values()) {
                synchronized (t) {
                    for (int n = t.seen + 1; n < t.due.length; n++) {
                        if (t.due[n] != 0) {
                            update.recordValue(Math.min(MAX_MICROS, (now - t.due[n]) / 1000));
                        }
                    }
                }
            }
        }
        return new Result(
                rate,
                total,
                accepted.get(),
                errors.get(),
                post,
                late,
                seen.get(),
                update,
                (System.nanoTime() - t0) / 1e9);
    }

    private void send(
            RawHttp connection,
            BlockingQueue<Due> queue,
            ConcurrentHistogram post,
            ConcurrentHistogram late,
            AtomicLong accepted,
            AtomicLong errors) {
        String authorization = "Bearer " + key;
        while (true) {
            Due due;
            try {
                due = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (due.body() == null) {
                connection.close();
                return;
            }
            late.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - due.dueNanos()) / 1000));
            int status =
                    connection.post(
                            "/v1/messages",
                            authorization,
                            due.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            post.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - due.dueNanos()) / 1000));
            if (status == 202) {
                accepted.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
        }
    }

    /** The tenant's stream: each update completes the messages it reflects. */
    private WebSocket watch(Map<String, Track> tracks, ConcurrentHistogram update, AtomicLong seen)
            throws Exception {
        StringBuilder frame = new StringBuilder();
        WebSocket.Listener listener =
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                            WebSocket socket, CharSequence data, boolean last) {
                        frame.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            try {
                                completed(frame.toString(), now);
                            } catch (Exception e) {
                                // not an update
                            }
                            frame.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }

                    /**
                     * Reads only what it needs of an update, streaming: the conversation, the
                     * message count and each agent's seq (the reply left out: it answers the newest
                     * customer message).
                     */
                    private void completed(String json, long now) throws Exception {
                        String conversation = null;
                        long reflected = Long.MAX_VALUE;
                        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
                            p.nextToken(); // {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String field = p.currentName();
                                p.nextToken();
                                if (!field.equals("data")) {
                                    p.skipChildren();
                                    continue;
                                }
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String name = p.currentName();
                                    p.nextToken();
                                    switch (name) {
                                        case "conversation_id" -> conversation = p.getText();
                                        case "message_count" ->
                                                reflected = Math.min(reflected, p.getLongValue());
                                        case "agents" -> reflected = Math.min(reflected, agents(p));
                                        default -> p.skipChildren();
                                    }
                                }
                            }
                        }
                        Track t = conversation == null ? null : tracks.get(conversation);
                        if (t == null) {
                            return;
                        }
                        synchronized (t) {
                            for (int n = t.seen + 1; n <= reflected && n < t.due.length; n++) {
                                update.recordValue(Math.min(MAX_MICROS, (now - t.due[n]) / 1000));
                                seen.incrementAndGet();
                            }
                            t.seen = (int) Math.max(t.seen, Math.min(reflected, t.due.length - 1));
                        }
                    }

                    private long agents(JsonParser p) throws Exception {
                        long min = Long.MAX_VALUE;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String agent = p.currentName();
                            p.nextToken(); // { of the status
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String name = p.currentName();
                                p.nextToken();
                                if (name.equals("seq") && !agent.equals("reply")) {
                                    min = Math.min(min, p.getLongValue());
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                        return min;
                    }
                };
        CompletableFuture<WebSocket> socket =
                HttpClient.newHttpClient()
                        .newWebSocketBuilder()
                        .buildAsync(
                                URI.create(
                                        api.replace("http", "ws")
                                                + "/ws/conversations?access_token="
                                                + key),
                                listener);
        return socket.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {}
}
