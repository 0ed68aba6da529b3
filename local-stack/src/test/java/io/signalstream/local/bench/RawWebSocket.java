package io.signalstream.local.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket client connection of the benchmark, reading on its own virtual thread: the upgrade
 * written as bytes, server frames read straight from the socket and handed over as bytes. Like
 * {@link RawHttp}, it costs little beside the server it measures (a general client's per-frame work
 * would be measured along with the server's).
 */
final class RawWebSocket implements AutoCloseable {

    /** Receives each text message; called on the connection's thread. */
    interface Receiver {
        void text(byte[] payload, int length, long receivedNanos);
    }

    private final Socket socket;
    private final Thread reader;
    private volatile int closeCode = -1;

    private RawWebSocket(Socket socket, DataInputStream in, Receiver receiver) {
        this.socket = socket;
        this.reader = Thread.ofVirtual().start(() -> read(in, receiver));
    }

    /**
     * Opens {@code path} on the server with the API key as the subprotocols {@code bearer, key}.
     */
    static RawWebSocket open(String host, int port, String path, String key, Receiver receiver)
            throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request =
                "GET "
                        + path
                        + " HTTP/1.1\r\nHost: "
                        + host
                        + ":"
                        + port
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                        + "\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce)
                        + "\r\nSec-WebSocket-Protocol: bearer, "
                        + key
                        + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in =
                new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65_536));
        String status = RawHttp.line(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        while (!RawHttp.line(in).isEmpty()) {
            // headers
        }
        return new RawWebSocket(socket, in, receiver);
    }

    private void read(DataInputStream in, Receiver receiver) {
        byte[] message = new byte[16_384];
        int length = 0;
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long size = b1 & 0x7f;
                if (size == 126) {
                    size = in.readUnsignedShort();
                } else if (size == 127) {
                    size = in.readLong();
                }
                if ((b1 & 0x80) != 0) {
                    in.skipNBytes(4); // servers do not mask; skip a key if one came
                }
                int opcode = b0 & 0x0f;
                if (opcode == 8) {
                    closeCode = size >= 2 ? in.readUnsignedShort() : 1005;
                    return;
                }
                if (opcode != 0 && opcode != 1) {
                    in.skipNBytes(size); // ping, pong, binary: not used by the stream
                    continue;
                }
                if (length + size > message.length) {
                    message =
                            Arrays.copyOf(
                                    message, (int) Math.max(message.length * 2L, length + size));
                }
                in.readFully(message, length, (int) size);
                length += (int) size;
                if ((b0 & 0x80) != 0) {
                    receiver.text(message, length, System.nanoTime());
                    length = 0;
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** The close code the server sent, or -1 while open. */
    int closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        reader.interrupt();
    }
}
