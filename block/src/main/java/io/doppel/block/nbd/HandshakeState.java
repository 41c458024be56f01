package io.doppel.block.nbd;

import java.util.EnumSet;
import java.util.Set;

/** Lifecycle of one NBD connection's handshake (NBD proto.md, "Protocol phases"). */
enum HandshakeState {
  /** Greeting sent; waiting for the client flags. */
  AWAIT_CLIENT_FLAGS,
  /** Option haggling: any number of options, each answered. */
  HAGGLING,
  /** Handed over to the transmission phase (terminal for the handshake). */
  TRANSMISSION,
  /** Closed during the handshake (terminal). */
  CLOSED;

  /** The states this one may be entered from. */
  Set<HandshakeState> predecessors() {
    return switch (this) {
      case AWAIT_CLIENT_FLAGS -> EnumSet.noneOf(HandshakeState.class);
      case HAGGLING -> EnumSet.of(AWAIT_CLIENT_FLAGS);
      case TRANSMISSION -> EnumSet.of(HAGGLING);
      case CLOSED -> EnumSet.of(AWAIT_CLIENT_FLAGS, HAGGLING);
    };
  }
}
