package io.doppel.rpc.client;

/**
 * The server answered a call with MSG_DENIED or with an accept_stat other than SUCCESS (RFC 5531
 * §9). {@link #status()} is readable, e.g. {@code "PROG_MISMATCH 3..3"}, {@code "GARBAGE_ARGS"},
 * {@code "AUTH_ERROR 1"}, {@code "RPC_MISMATCH 2..2"}.
 */
public final class RpcException extends Exception {
  private final String status;

  public RpcException(String status) {
    super(status, null, false, false);
    this.status = status;
  }

  /** The reply status as text: the accept_stat or reject_stat name and its details. */
  public String status() {
    return status;
  }
}
