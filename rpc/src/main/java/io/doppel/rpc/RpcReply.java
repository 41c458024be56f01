package io.doppel.rpc;

/**
 * What a program answers to one call (RFC 5531 §9, accept_stat / reject_stat). {@link Drop} sends
 * nothing: an in-progress duplicate, which the client will retransmit.
 */
public sealed interface RpcReply {

  /** accept_stat SUCCESS followed by the procedure's results. */
  record Success(ReplyBody body) implements RpcReply {}

  /** accept_stat PROC_UNAVAIL. */
  record ProcedureUnavailable() implements RpcReply {}

  /** accept_stat GARBAGE_ARGS: the arguments could not be decoded. */
  record GarbageArgs(String reason) implements RpcReply {}

  /** accept_stat SYSTEM_ERR: the server failed (memory, internal error). */
  record SystemError(String reason) implements RpcReply {}

  /**
   * reject_stat AUTH_ERROR with the given auth_stat (RFC 5531 §9: e.g. 2 = AUTH_REJECTEDCRED, 5 =
   * AUTH_TOOWEAK).
   */
  record AuthError(int authStat) implements RpcReply {}

  /** No reply at all. */
  record Drop() implements RpcReply {}

  static RpcReply success(ReplyBody body) {
    return new Success(body);
  }
}
