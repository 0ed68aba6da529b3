package io.signalstream.api;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/** Bodies sent to the API are JSON: another declared type is answered 415 before it is read. */
final class JsonBodies implements Filter {

    /**
     * The body's bytes, at most {@code max}: empty when it declares or turns out to hold more. Read
     * with a limit, so a body without a length cannot grow past it either.
     */
    static Optional<byte[]> bounded(ServerRequest req, int max) throws IOException {
        OptionalLong declared = req.headers().contentLength();
        if (declared.orElse(0) > max) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            if (declared.isPresent() && declared.getAsLong() >= 0) {
                // The usual case: one array of the declared size, instead of the chunked buffers
                // (16 KB each) and the copy that reading up to the limit takes for every request.
                bytes = new byte[(int) declared.getAsLong()];
                // The server ends the stream at the declared length; a body cut short is handed
                // on as read, to fail as the JSON it is.
                int read = in.readNBytes(bytes, 0, bytes.length);
                if (read < bytes.length) {
                    bytes = Arrays.copyOf(bytes, read);
                }
            } else {
                bytes = in.readNBytes(max + 1);
            }
        }
        return bytes.length > max ? Optional.empty() : Optional.of(bytes);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<HttpMediaType> type = req.headers().contentType();
        if ((req.prologue().method() == Method.POST || req.prologue().method() == Method.PUT)
                && req.path().path().startsWith("/v1/")
                && type.isPresent()
                && !type.get().test(MediaTypes.APPLICATION_JSON)) {
            Problems.send(
                    res,
                    Status.UNSUPPORTED_MEDIA_TYPE_415,
                    "Unsupported Media Type",
                    "Send the body as application/json, not " + type.get().text());
            return;
        }
        chain.proceed();
    }
}
