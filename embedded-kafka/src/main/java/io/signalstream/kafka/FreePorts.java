package io.signalstream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for local listeners, picked below the kernel's ephemeral range: a listener on port
 * 0 and every outgoing connection take their port from that range, so no process starting beside
 * ours (a broker, a Flink cluster's own services) can be handed a port picked here before it is
 * used. Several are picked together, each socket held open until all are, so they never repeat.
 * Where the ephemeral range leaves too little room below it, ports come from it (port 0) instead.
 */
public final class FreePorts {

    /** The lowest port picked. */
    static final int LOWEST = 10_000;

    /**
     * The highest port picked where the ephemeral range cannot be read (every common default starts
     * above it).
     */
    private static final int HIGHEST = 32_767;

    private static final Path EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private static final int ATTEMPTS = 200;

    /** The fewest ports below the ephemeral range worth picking from; fewer, and port 0 is used. */
    private static final int MIN_ROOM = 1_000;

    private FreePorts() {}

    /** One port free on {@code host} just now. */
    public static int pick(String host) {
        return pick(1, host)[0];
    }

    /** {@code n} distinct ports free on {@code host} just now. */
    public static int[] pick(int n, String host) {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            InetAddress address = InetAddress.getByName(host);
            int highest = highest();
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = roomBelow(highest) ? below(address, highest) : bind(address, 0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // a listening socket that was never used: nothing to lose
                    }
                }
            }
        }
    }

    /** The highest port below the ephemeral range. */
    static int highest() {
        try {
            String[] range = Files.readString(EPHEMERAL).trim().split("\\s+");
            return Math.min(HIGHEST, Integer.parseInt(range[0]) - 1);
        } catch (IOException | RuntimeException e) {
            return HIGHEST; // not Linux: its default ranges start at 49152
        }
    }

    /** Whether ports up to {@code highest} leave room to pick from below the ephemeral range. */
    static boolean roomBelow(int highest) {
        return highest - LOWEST >= MIN_ROOM;
    }

    /** A socket listening on a random free port from {@link #LOWEST} to {@code highest}. */
    private static ServerSocket below(InetAddress address, int highest) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            try {
                return bind(address, port);
            } catch (IOException e) {
                last = e; // taken: another
            }
        }
        throw new IOException(
                "no free port from " + LOWEST + " to " + highest + " in " + ATTEMPTS + " tries",
                last);
    }

    private static ServerSocket bind(InetAddress address, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 1);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
