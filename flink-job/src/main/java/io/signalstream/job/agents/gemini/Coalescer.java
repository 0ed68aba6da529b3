package io.signalstream.job.agents.gemini;

import io.signalstream.job.records.AgentRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * At most one model call per conversation is queued or in flight. A call that arrives meanwhile
 * waits as the conversation's one pending call; a newer one replaces it, widened to cover what the
 * replaced one asked (the newer state covers its messages), and the replaced one completes with
 * nothing to add. Not thread-safe: the caller holds a lock.
 */
final class Coalescer {

    /** What to do with a call just submitted. */
    record Admission(boolean start, Call replaced) {}

    private static final class Slot {
        Call active;
        Call pending;
    }

    private final Map<String, Slot> slots = new HashMap<>();
    private int pending;

    Admission submit(Call call) {
        Slot slot = slots.computeIfAbsent(call.key(), k -> new Slot());
        if (slot.active == null) {
            slot.active = call;
            return new Admission(true, null);
        }
        Call waiting = slot.pending;
        if (waiting == null) {
            slot.pending = call;
            pending++;
            return new Admission(false, null);
        }
        Call older = waiting.request.seq() <= call.request.seq() ? waiting : call;
        Call newer = older == waiting ? call : waiting;
        newer.request = widened(older.request, newer.request);
        slot.pending = newer;
        return new Admission(false, older);
    }

    /** {@code call} is done; returns the conversation's pending call to start now, or null. */
    Call finish(Call call) {
        Slot slot = slots.get(call.key());
        if (slot == null || slot.active != call) {
            return null;
        }
        slot.active = slot.pending;
        slot.pending = null;
        if (slot.active == null) {
            slots.remove(call.key());
            return null;
        }
        pending--;
        return slot.active;
    }

    /** Takes {@code call} out if it is still waiting; true if it was. */
    boolean withdraw(Call call) {
        Slot slot = slots.get(call.key());
        if (slot != null && slot.pending == call) {
            slot.pending = null;
            pending--;
            return true;
        }
        return false;
    }

    /** Whether {@code call} is the conversation's call in flight or queued for budget. */
    boolean active(Call call) {
        Slot slot = slots.get(call.key());
        return slot != null && slot.active == call;
    }

    /** Calls waiting behind their conversation's active one. */
    int pending() {
        return pending;
    }

    /** Conversations with a call queued or in flight. */
    int conversations() {
        return slots.size();
    }

    /** A request for {@code newer}'s state asking for everything {@code older} asked. */
    static AgentRequest widened(AgentRequest older, AgentRequest newer) {
        if (newer.kind() == AgentRequest.Kind.ANALYSIS
                || older.kind() != AgentRequest.Kind.ANALYSIS) {
            return newer;
        }
        return new AgentRequest(
                AgentRequest.Kind.ANALYSIS,
                newer.tenantId(),
                newer.conversationId(),
                newer.seq(),
                older.message(),
                newer.context(),
                newer.transcript(),
                newer.createdAtMs(),
                newer.epoch());
    }
}
