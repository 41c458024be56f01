package io.doppel.it.client;

import java.io.IOException;

/** The server did not accept a call (MSG_DENIED or accept_stat != SUCCESS). */
public final class RpcCallException extends IOException {
  private final RpcReply reply;

  public RpcCallException(String what, RpcReply reply) {
    super(what + ": " + reply);
    this.reply = reply;
  }

  public RpcReply reply() {
    return reply;
  }
}
