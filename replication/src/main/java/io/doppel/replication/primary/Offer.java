package io.doppel.replication.primary;

import java.util.concurrent.CompletableFuture;

/** The answer to {@link PrimaryStream#offer}. */
public sealed interface Offer {
  /**
   * The record is in the stream; {@code committed} completes with its seq once every in-sync
   * replica acked it at the required strength (exceptionally with {@link FencedException}).
   */
  record Accepted(long seq, CompletableFuture<Long> committed) implements Offer {}

  /**
   * Not accepted: the window is full or writes are held for a catch-up's final moment. Nothing
   * changed; offer the same record again once {@link PrimaryStream#writable()} completes.
   */
  record Wait(Reason reason) implements Offer {}

  /** Not accepted, ever: a newer epoch exists, this node is no longer primary. */
  record Fenced(long newerEpoch) implements Offer {}

  /** Why an offer must wait. */
  enum Reason {
    WINDOW_FULL,
    HELD_FOR_CATCH_UP
  }
}
