package io.doppel.replication.primary;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one replica of one resource stands, seen from the primary (REPLICATION.md). Each state has
 * a stable code exported as the {@code doppel_replication_replica_state} gauge, and the set of
 * states it may be entered from; {@link ReplicaSession} has the one transition method.
 */
public enum ReplicaState {
  /** Not yet heard from (start, new epoch): the primary probes for its history. Code 0. */
  UNKNOWN(0),
  /** Has every record the front end waits for; counted by the commit tracker. Code 1. */
  IN_SYNC(1),
  /** Timed out or disconnected: not waited for; its misses are tracked. Code 2. */
  LAGGING(2),
  /** Getting missing records from the log or dirty regions while writes continue. Code 3. */
  CATCHING_UP(3),
  /** Tracking did not reach back far enough (or a copy is forced): copying everything. Code 4. */
  FULL_SYNC(4),
  /** Histories fork (split brain): no automatic resync until an operator chooses. Code 5. */
  DIVERGED(5);

  private final int code;

  ReplicaState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The states this one may be entered from (Ratis-style legal predecessors). */
  Set<ReplicaState> predecessors() {
    return switch (this) {
      case UNKNOWN -> EnumSet.of(IN_SYNC, LAGGING, CATCHING_UP, FULL_SYNC, DIVERGED);
      case IN_SYNC -> EnumSet.of(UNKNOWN, LAGGING, CATCHING_UP, FULL_SYNC);
      case LAGGING -> EnumSet.of(UNKNOWN, IN_SYNC, CATCHING_UP, FULL_SYNC);
      case CATCHING_UP -> EnumSet.of(UNKNOWN, LAGGING, FULL_SYNC, CATCHING_UP);
      case FULL_SYNC -> EnumSet.of(UNKNOWN, LAGGING, CATCHING_UP, DIVERGED, FULL_SYNC);
      case DIVERGED -> EnumSet.of(UNKNOWN, IN_SYNC, LAGGING, CATCHING_UP, FULL_SYNC);
    };
  }

  /** Whether moving from {@code from} to this state is legal. */
  public boolean canFollow(ReplicaState from) {
    return predecessors().contains(from);
  }
}
