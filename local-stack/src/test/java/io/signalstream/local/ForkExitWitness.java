package io.signalstream.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Exit;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Says who ended a test JVM before its tests did. Surefire reports such an end only as "the forked
 * VM terminated without properly saying goodbye"; this leaves {@code target/jvm-exit-<pid>.txt}
 * with the reason, which {@code scripts/ci-summary.sh} prints after a failed build:
 *
 * <ul>
 *   <li>the embedded Kafka broker asking to exit or halt (its fatal-error path) is recorded with
 *       its status and message, and refused by throwing, as Kafka's own tests do, so the test that
 *       met it fails with that reason instead of the whole JVM vanishing;
 *   <li>any other {@code System.exit} (a library's fatal-error handler) or a signal is recorded
 *       with the stack of the thread that asked, from a shutdown hook;
 *   <li>a JVM still running 20 s after its tests ended (surefire kills it at 30) records its
 *       threads, which say what a test left open.
 * </ul>
 *
 * A JVM crash leaves its own {@code hs_err_pid*.log}; a kill -9 leaves nothing but surefire's exit
 * code (137).
 */
public final class ForkExitWitness implements LauncherSessionListener {

    /** How long after its tests a JVM may still run before its threads are recorded. */
    private static final long EXIT_GRACE_MS = 20_000;

    private static volatile boolean testsEnded;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(ForkExitWitness::atExit, "fork-exit-witness"));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        testsEnded = true;
        // Surefire ends its JVM once the tests have, and kills it when that takes 30 s: what
        // still runs after 20 s is what holds it (a broker, cluster or pool a test left open).
        Thread watch =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(EXIT_GRACE_MS);
                            } catch (InterruptedException e) {
                                return;
                            }
                            write(
                                    "the JVM still runs "
                                            + EXIT_GRACE_MS / 1000
                                            + " s after its tests ended; its threads:\n"
                                            + threads());
                        },
                        "fork-exit-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * The live threads that are not daemons (those running shutdown hooks among them), with the top
     * of each one's stack.
     */
    private static String threads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> !e.getKey().isDaemon())
                .map(
                        e ->
                                thread(
                                        e.getKey(),
                                        Arrays.copyOf(
                                                e.getValue(), Math.min(6, e.getValue().length))))
                .collect(Collectors.joining("\n"));
    }

    private static void refuse(String what, int status, String message) {
        String reason =
                "the embedded Kafka broker asked the JVM to %s (status %d): %s"
                        .formatted(what, status, message);
        IllegalStateException refused = new IllegalStateException(reason);
        write(reason + "\n" + stack(refused.getStackTrace()));
        throw refused;
    }

    private static void atExit() {
        if (testsEnded) {
            return;
        }
        String caller =
                Thread.getAllStackTraces().entrySet().stream()
                        .filter(e -> Arrays.stream(e.getValue()).anyMatch(ForkExitWitness::exits))
                        .map(e -> thread(e.getKey(), callerOf(e.getValue())))
                        .collect(Collectors.joining("\n"));
        write(
                "the JVM ended before its tests did, "
                        + (caller.isEmpty()
                                ? "with no thread calling exit (a signal)"
                                : "asked by:\n" + caller));
    }

    private static boolean exits(StackTraceElement frame) {
        return frame.getClassName().equals("java.lang.Shutdown")
                && frame.getMethodName().equals("exit");
    }

    /** The frames below the last of the JDK's own exit frames: who asked. */
    private static StackTraceElement[] callerOf(StackTraceElement[] frames) {
        int first = 0;
        for (int i = 0; i < frames.length; i++) {
            String owner = frames[i].getClassName();
            if (owner.equals("java.lang.Shutdown")
                    || owner.equals("java.lang.Runtime")
                    || owner.equals("java.lang.System")) {
                first = i + 1;
            }
        }
        return Arrays.copyOfRange(frames, first, frames.length);
    }

    private static String thread(Thread thread, StackTraceElement[] frames) {
        return "thread \"" + thread.getName() + "\"\n" + stack(frames);
    }

    private static String stack(StackTraceElement[] frames) {
        return Arrays.stream(frames)
                .limit(40)
                .map(f -> "    at " + f)
                .collect(Collectors.joining("\n"));
    }

    private static synchronized void write(String text) {
        Path file = Path.of("target", "jvm-exit-" + ProcessHandle.current().pid() + ".txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    Instant.now() + " " + text + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("ForkExitWitness: " + text);
        }
    }
}
