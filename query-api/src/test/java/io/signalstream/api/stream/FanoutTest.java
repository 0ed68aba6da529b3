package io.signalstream.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalstream.api.store.StoredAggregate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanoutTest {

    private Fanout fanout;

    @AfterEach
    void close() {
        if (fanout != null) {
            fanout.close();
        }
    }

    /** Records what is sent and how the session was closed. */
    static class Recording implements Fanout.Connection {
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        final List<String> closes = new CopyOnWriteArrayList<>();
        volatile boolean terminated;

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
            closes.add(code + " " + reason);
        }

        @Override
        public void terminate() {
            terminated = true;
        }
    }

    /** A client that stopped reading: every send blocks until released. */
    static final class Stuck extends Recording {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void send(String text) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static StoredAggregate version(String key, long v) {
        return new StoredAggregate(
                key, v, ("{\"version\":" + v + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sessionsOverACapAreRefusedWithTheReason() {
        fanout = new Fanout(new Fanout.Limits(3, 2, 16, Duration.ofSeconds(5)));
        assertThat(fanout.open("acme", null, new Recording()).admitted()).isPresent();
        assertThat(fanout.open("acme", "acme/c1", new Recording()).admitted()).isPresent();
        Fanout.Admission third = fanout.open("acme", null, new Recording());
        assertThat(third.admitted()).isEmpty();
        assertThat(third.refusal()).isEqualTo("this tenant has 2 streams open, its limit");

        assertThat(fanout.open("globex", null, new Recording()).admitted()).isPresent();
        Fanout.Admission fourth = fanout.open("initech", null, new Recording());
        assertThat(fourth.refusal()).isEqualTo("the server has 3 streams open, its limit");
        assertThat(fanout.refused()).isEqualTo(2);
        assertThat(fanout.sessions()).isEqualTo(3);
    }

    @Test
    void aClosedSessionFreesItsPlace() {
        fanout = new Fanout(new Fanout.Limits(1, 1, 16, Duration.ofSeconds(5)));
        Fanout.Session s = fanout.open("acme", null, new Recording()).admitted().orElseThrow();
        assertThat(fanout.open("acme", null, new Recording()).admitted()).isEmpty();
        s.closed();
        assertThat(fanout.sessions()).isZero();
        assertThat(fanout.open("acme", null, new Recording()).admitted()).isPresent();
    }

    @Test
    void everySessionOfTheTenantGetsTheSameFrameAndNoOtherTenantDoes() throws Exception {
        fanout = new Fanout(Fanout.Limits.DEFAULTS);
        Recording a = new Recording();
        Recording b = new Recording();
        Recording one = new Recording();
        Recording other = new Recording();
        fanout.open("acme", null, a);
        fanout.open("acme", null, b);
        fanout.open("acme", "acme/c2", one);
        fanout.open("globex", null, other);

        fanout.updated(version("acme/c1", 1000));
        fanout.updated(version("acme/c2", 1000));

        String first = a.sent.poll(5, TimeUnit.SECONDS);
        assertThat(first)
                .isEqualTo("{\"type\":\"intelligence_update\",\"data\":{\"version\":1000}}");
        assertThat(b.sent.poll(5, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(a.sent.poll(5, TimeUnit.SECONDS)).contains("1000");
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).isNotSameAs(first).contains("1000");
        assertThat(one.sent).isEmpty();
        fanout.removed("acme/c2");
        assertThat(one.sent.poll(5, TimeUnit.SECONDS))
                .isEqualTo("{\"type\":\"conversation_removed\",\"conversation_id\":\"c2\"}");
        assertThat(other.sent).isEmpty();
    }

    @Test
    void oneConversationsStreamNeverGoesBackAVersion() throws Exception {
        fanout = new Fanout(Fanout.Limits.DEFAULTS);
        Recording one = new Recording();
        Fanout.Session s = fanout.open("acme", "acme/c", one).admitted().orElseThrow();
        fanout.updated(version("acme/c", 2000));
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).contains("2000");
        s.offer(Fanout.Frame.update(version("acme/c", 1000))); // a late snapshot
        fanout.updated(version("acme/c", 3000));
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).contains("3000");
        assertThat(one.sent).isEmpty();
    }

    @Test
    void afterARemovalOnlyALaterLifeOfTheConversationIsSent() throws Exception {
        fanout = new Fanout(Fanout.Limits.DEFAULTS);
        Recording one = new Recording();
        fanout.open("acme", "acme/c", one).admitted().orElseThrow();
        fanout.updated(new StoredAggregate("acme/c", 5, 7000, "{\"life\":1}".getBytes()));
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).contains("\"life\":1");
        fanout.removed("acme/c");
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).contains("conversation_removed");
        // a late version of the ended life, then the new life counting from 1000 again
        fanout.updated(new StoredAggregate("acme/c", 5, 7001, "{\"life\":\"late\"}".getBytes()));
        fanout.updated(new StoredAggregate("acme/c", 9, 1000, "{\"life\":2}".getBytes()));
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).contains("\"life\":2");
        fanout.updated(new StoredAggregate("acme/c", 9, 2000, "{\"life\":2.1}".getBytes()));
        assertThat(one.sent.poll(5, TimeUnit.SECONDS)).contains("\"life\":2.1");
        assertThat(one.sent).isEmpty();
    }

    @Test
    void aClientTooFarBehindIsClosedAndOthersKeepReceiving() throws Exception {
        fanout = new Fanout(new Fanout.Limits(10, 10, 4, Duration.ofMinutes(1)));
        Stuck slow = new Stuck();
        Recording fast = new Recording();
        fanout.open("acme", null, slow);
        fanout.open("acme", null, fast);
        for (int v = 1; v <= 20; v++) {
            fanout.updated(version("acme/c" + v, 1000));
            assertThat(fast.sent.poll(5, TimeUnit.SECONDS)).contains("1000");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !slow.closes.isEmpty());
        assertThat(slow.closes).containsExactly("1008 too far behind: 4 updates not yet received");
        assertThat(fanout.closedBehind()).isEqualTo(1);
        assertThat(fanout.sessions()).isEqualTo(1);
        slow.release.countDown();
    }

    @Test
    void aSendThatHangsIsCutOffAfterTheTimeout() {
        fanout = new Fanout(new Fanout.Limits(10, 10, 16, Duration.ofMillis(200)));
        Stuck stuck = new Stuck();
        fanout.open("acme", null, stuck);
        fanout.updated(version("acme/c", 1000));
        await().atMost(Duration.ofSeconds(5)).until(() -> stuck.terminated);
        assertThat(fanout.timedOut()).isEqualTo(1);
        assertThat(fanout.sessions()).isZero();
        stuck.release.countDown();
    }

    @Test
    void limitsMustBePositive() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new Fanout.Limits(0, 1, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new Fanout.Limits(1, 1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
