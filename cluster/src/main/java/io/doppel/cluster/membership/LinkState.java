package io.doppel.cluster.membership;

import io.doppel.cluster.StateMachine;

/** The state of one link to one peer. */
public enum LinkState implements StateMachine.State<LinkState> {
  /** Nothing heard on this link yet. */
  UNKNOWN,
  /** Heard within the suspect timeout. */
  UP,
  /** Silent for the suspect timeout (a LINK_FAULT if the peer lives on another link). */
  SILENT;

  @Override
  public boolean canMoveTo(LinkState next) {
    return switch (this) {
      case UNKNOWN -> next == UP || next == SILENT;
      case UP -> next == SILENT;
      case SILENT -> next == UP;
    };
  }
}
