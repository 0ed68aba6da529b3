package io.signalstream.model;

/** Agent assist: a reply the human agent may send to the customer's latest message. */
public record ReplyResult(String suggestedReply) implements AgentOutput {}
