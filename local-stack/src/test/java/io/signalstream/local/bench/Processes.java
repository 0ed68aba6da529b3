package io.signalstream.local.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The benchmark's processes: each part of the product in its own JVM, so each one's CPU time can be
 * read from {@code /proc}, and the load generator (this JVM) takes nothing from them but cores.
 */
final class Processes {

    /** Clock ticks per second of {@code /proc/<pid>/stat}'s CPU times. */
    private static final long TICKS = ticksPerSecond();

    private Processes() {}

    /** A child JVM; its output lines go to a log file and can be awaited. */
    static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Child(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            Thread.ofPlatform()
                    .daemon()
                    .name("out-" + name)
                    .start(
                            () -> {
                                try (BufferedReader in =
                                                new BufferedReader(
                                                        new InputStreamReader(
                                                                process.getInputStream(),
                                                                StandardCharsets.UTF_8));
                                        var out = Files.newBufferedWriter(log)) {
                                    String line;
                                    while ((line = in.readLine()) != null) {
                                        out.write(line);
                                        out.newLine();
                                        out.flush();
                                        lines.add(line);
                                    }
                                } catch (IOException e) {
                                    // the process ended
                                }
                            });
        }

        long pid() {
            return process.pid();
        }

        /** Waits for an output line starting with {@code prefix}; returns it. */
        String await(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue());
                }
            }
            throw new IllegalStateException(name + " did not print '" + prefix + "' in " + timeout);
        }

        /** Sends one command line to the process. */
        void command(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        long cpuMillis() {
            return Processes.cpuMillis(pid());
        }

        /** Writes the process's flight recording to {@code file} (it must have one running). */
        void dumpRecording(Path file) throws IOException, InterruptedException {
            Process jcmd =
                    new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                            .toString(),
                                    Long.toString(pid()),
                                    "JFR.dump",
                                    "filename=" + file.toAbsolutePath())
                            .redirectErrorStream(true)
                            .start();
            String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(60, TimeUnit.SECONDS);
            System.out.println("jcmd " + name + ": " + said.strip());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts {@code mainClass} in a new JVM with this JVM's class path. */
    static Child java(
            String name,
            String mainClass,
            List<String> args,
            Map<String, String> env,
            String heap,
            Path logDir,
            String... jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Files.readAllLines(Path.of("scripts/jvm.options")));
        command.addAll(List.of(jvmOptions));
        command.add("-Xmx" + heap);
        command.add("-Xms" + heap);
        // As deployed: the JVM's default collector (G1) unless -Dbench.gc names another, or this
        // process's own options do (-Dbench.apiJvm=-XX:+UseZGC)
        if (Arrays.stream(jvmOptions).noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
            command.addAll(List.of(System.getProperty("bench.gc", "-XX:+UseG1GC").split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Files.createDirectories(logDir);
        return new Child(name, builder.start(), logDir.resolve(name + ".log"));
    }

    /**
     * The API's JVM options as its image has them (the pause goal), unless {@code
     * -Dbench.apiJvm="…"} says otherwise, and a log of its collections.
     */
    static List<String> apiJvm(Path gcLog) {
        List<String> options = new ArrayList<>();
        String jvm = System.getProperty("bench.apiJvm", "-XX:MaxGCPauseMillis=20");
        if (!jvm.isBlank()) {
            options.addAll(List.of(jvm.strip().split("\\s+")));
        }
        options.add("-Xlog:gc:file=" + gcLog);
        return options;
    }

    /** User plus system CPU time of a process so far, in milliseconds. */
    static long cpuMillis(long pid) {
        try {
            return statCpuMillis(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    /**
     * User plus system CPU time so far of each of a process's threads, in milliseconds, summed by
     * thread name with its digits dropped (so a pool's threads count as one): native threads too,
     * which a Java profiler does not see.
     */
    static Map<String, Long> threadCpuMillis(long pid) {
        Map<String, Long> byName = new TreeMap<>();
        try (DirectoryStream<Path> tasks =
                Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                byName.merge(name.replaceAll("[0-9]+", "#"), statCpuMillis(stat), Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid, e);
        }
        return byName;
    }

    /** User plus system CPU time in a {@code /proc} {@code stat} line, in milliseconds. */
    private static long statCpuMillis(String stat) {
        // Fields after the command name (which may hold spaces) start after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS;
    }

    /**
     * What a JVM's JIT compiler threads ("C1 CompilerThread0", …) used so far, in ms, from its
     * {@link #threadCpuMillis}.
     */
    static long compilerCpuMillis(Map<String, Long> threads) {
        return cpuMillisOf(threads, name -> name.contains("CompilerThre"));
    }

    /** What the threads whose names {@code name} accepts used, in ms, of {@code threads}. */
    static long cpuMillisOf(Map<String, Long> threads, Predicate<String> name) {
        return threads.entrySet().stream()
                .filter(e -> name.test(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            p.waitFor();
            return Long.parseLong(out.strip());
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
