package io.signalstream.local.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** The API as the benchmarks call it: one key, JSON bodies. */
final class ApiClient {

    private final String url;
    private final String key;
    private final HttpClient http;

    ApiClient(String url, String key, HttpClient http) {
        this.url = url;
        this.key = key;
        this.http = http;
    }

    /** A request to {@code path} with the key; a JSON body unless {@code json} is empty. */
    private HttpRequest request(String method, String path, String json) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url + path))
                        .header("Authorization", "Bearer " + key);
        if (json.isEmpty()) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return request.build();
    }

    HttpResponse<String> send(String method, String path, String json)
            throws IOException, InterruptedException {
        return http.send(request(method, path, json), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts without waiting (open loop); the body of the answer is discarded. */
    CompletableFuture<HttpResponse<Void>> postAsync(String path, String json) {
        return http.sendAsync(request("POST", path, json), HttpResponse.BodyHandlers.discarding());
    }
}
