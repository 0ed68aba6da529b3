package io.signalstream.model;

/** How fresh an agent's part of the aggregate is. {@code seq} is the message count it reflects. */
public record AgentStatus(long seq, String provider, long latencyMs) {}
