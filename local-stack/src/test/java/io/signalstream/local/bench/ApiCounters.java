package io.signalstream.local.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the API's own metrics say of a POST's time, read before and after an ingest run so the run's
 * slow POSTs can be told apart: late before the API handled them (the client measures from when a
 * POST was due, the API's request timer from when its routing began), Kafka acknowledging late (the
 * produce timer, from send to acknowledgement) or the API's JVM stopped (its collector's pauses).
 * Counts since the API started; {@link #minus} gives a run's.
 *
 * @param posts messages the API accepted ({@code POST /v1/messages}, 202)
 * @param postsOverTarget of them, handled in more than {@link #TARGET_SECONDS}
 * @param acks messages Kafka acknowledged
 * @param acksOverTarget of them, acknowledged after {@link #TARGET_SECONDS}
 * @param pauses the API's stop-the-world collector pauses
 * @param pauseSeconds their time in all
 */
record ApiCounters(
        double posts,
        double postsOverTarget,
        double acks,
        double acksOverTarget,
        double pauses,
        double pauseSeconds) {

    /** The POST → 202 goal, one of the produce timer's buckets. */
    static final double TARGET_SECONDS = 0.020;

    /** The labels of the accepted POSTs' series, in any order. */
    private static final Map<String, String> ACCEPTED =
            Map.of("method", "POST", "route", "/v1/messages", "status", "202");

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private static final Pattern SAMPLE =
            Pattern.compile("(?m)^([a-z_]+)(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$");

    /** The counters now. */
    static ApiCounters read(ApiClient api) throws IOException, InterruptedException {
        return parse(api.send("GET", "/metrics", "").body());
    }

    /** The counters in a Prometheus text exposition. */
    static ApiCounters parse(String metrics) {
        double posts = 0;
        double postsInTime = 0;
        double acks = 0;
        double acksInTime = 0;
        double pauses = 0;
        double pauseSeconds = 0;
        Matcher m = SAMPLE.matcher(metrics);
        while (m.find()) {
            Map<String, String> labels = labels(m.group(2));
            double value = m.group(3).equals("NaN") ? 0 : Double.parseDouble(m.group(3));
            switch (m.group(1)) {
                case "signalstream_kafka_produce_seconds_count" -> acks += value;
                case "signalstream_kafka_produce_seconds_bucket" -> {
                    if (atTarget(labels)) {
                        acksInTime += value;
                    }
                }
                case "signalstream_http_requests_seconds_count" -> {
                    if (accepted(labels)) {
                        posts += value;
                    }
                }
                case "signalstream_http_requests_seconds_bucket" -> {
                    if (accepted(labels) && atTarget(labels)) {
                        postsInTime += value;
                    }
                }
                case "jvm_gc_pause_seconds_count" -> pauses += value;
                case "jvm_gc_pause_seconds_sum" -> pauseSeconds += value;
                default -> {}
            }
        }
        return new ApiCounters(
                posts, posts - postsInTime, acks, acks - acksInTime, pauses, pauseSeconds);
    }

    /**
     * The sum of the samples of {@code name} in a Prometheus text exposition whose labels include
     * {@code labels} (0 when there are none): a gauge, or a family summed over its series.
     */
    static double sum(String metrics, String name, Map<String, String> labels) {
        double sum = 0;
        Matcher m = SAMPLE.matcher(metrics);
        while (m.find()) {
            if (m.group(1).equals(name)
                    && labels(m.group(2)).entrySet().containsAll(labels.entrySet())
                    && !m.group(3).equals("NaN")) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        if (text != null) {
            Matcher m = LABEL.matcher(text);
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        }
        return labels;
    }

    private static boolean accepted(Map<String, String> labels) {
        return ACCEPTED.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The bucket of the goal: Prometheus writes its bound as {@code le="0.02"}. */
    private static boolean atTarget(Map<String, String> labels) {
        String le = labels.get("le");
        return le != null && !le.equals("+Inf") && Double.parseDouble(le) == TARGET_SECONDS;
    }

    /** What happened between {@code before} and this. */
    ApiCounters minus(ApiCounters before) {
        return new ApiCounters(
                posts - before.posts,
                postsOverTarget - before.postsOverTarget,
                acks - before.acks,
                acksOverTarget - before.acksOverTarget,
                pauses - before.pauses,
                pauseSeconds - before.pauseSeconds);
    }
}
