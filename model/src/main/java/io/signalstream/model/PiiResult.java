package io.signalstream.model;

import java.util.List;

/**
 * Personal data found. On an agent topic it covers one message; in the aggregate, the whole
 * conversation so far.
 *
 * @param redactedMessage the latest message with each entity replaced by {@code <TYPE>}
 */
public record PiiResult(boolean hasPii, List<PiiEntity> entities, String redactedMessage)
        implements AgentOutput {}
