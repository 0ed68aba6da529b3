package io.signalstream.api.store;

import java.util.List;

/**
 * One page of conversations.
 *
 * @param total how many conversations match; a lower bound when {@code totalExact} is false
 * @param nextCursor where the next page starts, or null on the last page
 */
public record Page(List<Summary> items, long total, boolean totalExact, String nextCursor) {}
