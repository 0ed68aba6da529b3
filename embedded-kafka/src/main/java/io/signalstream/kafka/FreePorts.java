package io.signalstream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports for local listeners. Ports picked one after another may repeat (a port picked and
 * released can be the next one picked), so several are picked together: each socket is held open
 * until all are.
 */
public final class FreePorts {

    private FreePorts() {}

    /** {@code n} distinct ports free on {@code host} just now. */
    public static int[] pick(int n, String host) {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(host));
                sockets[i].setReuseAddress(true);
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
}
