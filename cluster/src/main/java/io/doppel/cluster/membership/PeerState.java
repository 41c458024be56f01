package io.doppel.cluster.membership;

import io.doppel.cluster.StateMachine;

/** What this node believes about one peer (seed 003's partner server). */
public enum PeerState implements StateMachine.State<PeerState> {
  /** Never heard since this node started. */
  UNKNOWN,
  /** Heard on at least one link within the suspect timeout. */
  ALIVE,
  /** Silent on every link for the suspect timeout; the presence check starts next. */
  SUSPECTED,
  /** Probing over every path with retries before declaring failure (seed 003 fig. 2B). */
  PRESENCE_CHECK,
  /** Failed the presence check: a NODE_DOWN was raised. */
  FAILED,
  /** Announced a graceful shutdown: no failure alarm (seed 003 step 342). */
  SHUT_DOWN;

  @Override
  public boolean canMoveTo(PeerState next) {
    return switch (this) {
      case UNKNOWN -> next == ALIVE || next == PRESENCE_CHECK || next == SHUT_DOWN;
      case ALIVE -> next == SUSPECTED || next == SHUT_DOWN;
      case SUSPECTED -> next == PRESENCE_CHECK || next == ALIVE || next == SHUT_DOWN;
      case PRESENCE_CHECK -> next == ALIVE || next == FAILED || next == SHUT_DOWN;
      case FAILED, SHUT_DOWN -> next == ALIVE || next == SHUT_DOWN;
    };
  }
}
