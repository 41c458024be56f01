package io.doppel.replication.track;

/**
 * Knows what a replica that stopped acknowledging misses (REPLICATION.md "When a replica falls
 * behind"). Two kinds: {@link LogChangeTracker} (a record log, the file face) and {@link
 * DirtyMapChangeTracker} (a persisted write-intent bitmap, the block face). The primary consults it
 * when a replica comes back and tells it what every replica holds durably, so it can forget that.
 */
public interface ChangeTracker {
  /**
   * The way back for a replica durable through {@code durableSeq} when the primary is at {@code
   * lastSeq}; {@code includeUnknown} while the replica has not yet received a copy of what this
   * primary incarnation cannot vouch for (regions dirty when it restarted).
   */
  CatchUp catchUpFrom(long durableSeq, long lastSeq, boolean includeUnknown);

  /** Every replica received a copy of what was unknown after the restart. */
  default void unknownResolved() {}

  /** Called on every tick of the stream's agent: time for lazy persistence. */
  default void tick(long nowNanos) {}

  /** Every replica of the resource is durable through {@code seq}. */
  void allDurableThrough(long seq);

  /** Bytes tracked for a replica durable through {@code durableSeq} (its lag, for status). */
  long trackedBytes(long durableSeq);
}
