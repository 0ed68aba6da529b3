package io.signalstream.job.agents.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.signalstream.job.records.TranscriptLine;
import io.signalstream.model.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The conversation as the model reads it: structured data, never lines a customer could forge. The
 * recent window becomes a JSON array of {@code {"sender", "text"}}, oldest first, so who said what
 * comes only from the {@code sender} field; a text cannot end its entry (JSON escapes its quotes)
 * and every line and paragraph separator in it (CR, LF, U+0085, U+2028, U+2029, vertical tab, form
 * feed) and every other control character is a space, so an {@code [agent]} written on a line of
 * its own stays inside the customer's text.
 *
 * <p>The array fits a token budget ({@code GEMINI_PROMPT_TOKENS}, counted by {@link
 * TokenEstimate}): the newest messages are kept first; the newest one is clipped, with a marker, if
 * it alone would not fit; older ones that no longer fit are left out and counted.
 */
public final class ModelTranscript {

    /** Line and paragraph separators and the other control characters. */
    private static final Pattern SEPARATORS =
            Pattern.compile("[\\p{Cntrl}\\u0085\\u2028\\u2029\\p{Zl}\\p{Zp}]+");

    /** What each entry costs beyond its text: braces, keys, quotes, the sender. */
    static final int TOKENS_PER_ENTRY = 8;

    private static final ObjectMapper MAPPER = Json.newMapper();

    private ModelTranscript() {}

    /** {@code text} with every separator and control character made a single space. */
    public static String neutralised(String text) {
        return SEPARATORS.matcher(text).replaceAll(" ");
    }

    /** The newest lines that fit {@code budget} tokens, as the call's contents. */
    public static String of(List<TranscriptLine> lines, int budget) {
        Deque<TranscriptLine> kept = new ArrayDeque<>();
        int used = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            TranscriptLine line = lines.get(i);
            String text = neutralised(line.text());
            int cost = TokenEstimate.of(text) + TOKENS_PER_ENTRY;
            if (used + cost > budget) {
                if (kept.isEmpty()) {
                    // The newest message alone is too long: its beginning, marked as clipped.
                    String clipped = TokenEstimate.clip(text, budget - TOKENS_PER_ENTRY);
                    kept.addFirst(new TranscriptLine(line.seq(), line.sender(), clipped));
                }
                break;
            }
            kept.addFirst(new TranscriptLine(line.seq(), line.sender(), text));
            used += cost;
        }
        ArrayNode array = MAPPER.createArrayNode();
        for (TranscriptLine line : kept) {
            array.addObject().put("sender", line.sender().wireName()).put("text", line.text());
        }
        int left = lines.size() - kept.size();
        try {
            return "Conversation"
                    + (left > 0 ? " (its " + left + " earliest messages left out)" : "")
                    + ", a JSON array of messages, oldest first:\n"
                    + MAPPER.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a transcript", e);
        }
    }
}
