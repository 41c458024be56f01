package io.doppel.replication.primary;

import io.doppel.replication.wire.AckStrength;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Completes a front end's future once every IN_SYNC replica acked its seq at the required strength
 * (SYSTEM.md invariant 1). Offers arrive in seq order and acks are cumulative, so one queue per
 * strength completes from its head. A durable ack satisfies a received wait too. One thread only.
 */
public final class CommitTracker {
  private record Waiter(long seq, CompletableFuture<Long> future) {}

  private final ArrayDeque<Waiter> received = new ArrayDeque<>();
  private final ArrayDeque<Waiter> durable = new ArrayDeque<>();
  private long committedReceived;
  private long committedDurable;

  /** A future for {@code seq} at {@code strength}; seqs must not go backwards per strength. */
  public CompletableFuture<Long> await(long seq, AckStrength strength) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    ArrayDeque<Waiter> q = strength == AckStrength.DURABLE ? durable : received;
    if (!q.isEmpty() && q.peekLast().seq() > seq) {
      throw new IllegalArgumentException("seq " + seq + " after " + q.peekLast().seq());
    }
    q.addLast(new Waiter(seq, f));
    return f;
  }

  /**
   * The in-sync group now holds every seq up to {@code minReceived} in memory and up to {@code
   * minDurable} on stable storage; completes what that satisfies.
   */
  public void advance(long minReceived, long minDurable) {
    committedDurable = Math.max(committedDurable, minDurable);
    committedReceived = Math.max(committedReceived, Math.max(minReceived, minDurable));
    complete(durable, committedDurable);
    complete(received, committedReceived);
  }

  private static void complete(ArrayDeque<Waiter> q, long upTo) {
    while (!q.isEmpty() && q.peekFirst().seq() <= upTo) {
      Waiter w = q.removeFirst();
      w.future().complete(w.seq());
    }
  }

  /** Whether a durable wait is pending for a seq in {@code [from, to]}. */
  public boolean durableWanted(long from, long to) {
    for (Waiter w : durable) {
      if (w.seq() > to) {
        return false;
      }
      if (w.seq() >= from) {
        return true;
      }
    }
    return false;
  }

  /** Fails every pending future (the primary was fenced). */
  public void failAll(Throwable cause) {
    received.forEach(w -> w.future().completeExceptionally(cause));
    durable.forEach(w -> w.future().completeExceptionally(cause));
    received.clear();
    durable.clear();
  }

  /** Highest seq committed at durable strength. */
  public long committedDurable() {
    return committedDurable;
  }

  public long committedReceived() {
    return committedReceived;
  }

  public int pending() {
    return received.size() + durable.size();
  }
}
