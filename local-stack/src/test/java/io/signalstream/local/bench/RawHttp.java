package io.signalstream.local.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection of the load generator: requests written as bytes, responses
 * read just far enough to know the status and skip the body. A load generator must cost little
 * beside the server it measures; a general HTTP client costs about as much as the server does.
 */
final class RawHttp implements AutoCloseable {

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** POSTs a JSON body; returns the status, or -1 when the connection failed (then reopened). */
    int post(String path, String authorization, byte[] body) {
        return exchange(
                "POST "
                        + path
                        + " HTTP/1.1\r\nHost: "
                        + host
                        + ":"
                        + port
                        + "\r\nAuthorization: "
                        + authorization
                        + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length
                        + "\r\n\r\n",
                body);
    }

    /** GETs {@code path}; returns the status, or -1 when the connection failed (then reopened). */
    int get(String path, String authorization) {
        return exchange(
                "GET "
                        + path
                        + " HTTP/1.1\r\nHost: "
                        + host
                        + ":"
                        + port
                        + "\r\nAuthorization: "
                        + authorization
                        + "\r\n\r\n",
                new byte[0]);
    }

    private int exchange(String head, byte[] body) {
        try {
            if (socket == null) {
                open();
            }
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return readResponse();
        } catch (IOException | RuntimeException e) {
            close();
            return -1;
        }
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16_384);
    }

    private int readResponse() throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = 0;
        boolean chunked = false;
        boolean close = false;
        String header;
        while (!(header = line()).isEmpty()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).strip();
            String value = header.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line().strip(), 16)) > 0) {
                skip(size + 2);
            }
            line();
        } else {
            skip(length);
        }
        if (close) {
            close();
        }
        return code;
    }

    private String line() throws IOException {
        return line(in);
    }

    /** One CRLF-terminated header line, without its end. */
    static String line(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
