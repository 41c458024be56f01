package io.doppel.server.node;

import java.util.EnumSet;
import java.util.Set;

/**
 * A node's lifecycle. Each state lists the states it may be entered from; {@link NodeLifecycle}
 * refuses every other transition. The code is exported as the {@code doppel_node_state} gauge.
 */
public enum NodeState {
  /** Built, nothing opened yet. */
  NEW(0),
  /** Opening stores and binding ports. */
  STARTING(1),
  /** Serving clients. */
  RUNNING(2),
  /** Closing in reverse order of start. */
  STOPPING(3),
  /** Everything closed. */
  STOPPED(4),
  /** Start-up failed; whatever was opened has been closed. */
  FAILED(5);

  private final int code;

  NodeState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The states this one may be entered from. */
  Set<NodeState> predecessors() {
    return switch (this) {
      case NEW -> EnumSet.noneOf(NodeState.class);
      case STARTING -> EnumSet.of(NEW);
      case RUNNING -> EnumSet.of(STARTING);
      case STOPPING -> EnumSet.of(STARTING, RUNNING);
      case STOPPED -> EnumSet.of(STOPPING, NEW);
      case FAILED -> EnumSet.of(STARTING, STOPPING);
    };
  }
}
