package io.doppel.rpc;

/**
 * The status part of one reply message (RFC 5531 §9, {@code reply_body}): either accepted with an
 * {@code accept_stat} or denied with a {@code reject_stat}.
 */
sealed interface ReplyHeader {

  /** MSG_ACCEPTED, SUCCESS: procedure results follow. */
  record Success() implements ReplyHeader {}

  /** MSG_ACCEPTED, PROG_UNAVAIL. */
  record ProgramUnavailable() implements ReplyHeader {}

  /** MSG_ACCEPTED, PROG_MISMATCH with the lowest and highest supported versions. */
  record ProgramMismatch(int low, int high) implements ReplyHeader {}

  /** MSG_ACCEPTED, PROC_UNAVAIL. */
  record ProcedureUnavailable() implements ReplyHeader {}

  /** MSG_ACCEPTED, GARBAGE_ARGS. */
  record GarbageArgs() implements ReplyHeader {}

  /** MSG_ACCEPTED, SYSTEM_ERR. */
  record SystemError() implements ReplyHeader {}

  /** MSG_DENIED, RPC_MISMATCH with the supported RPC versions (always 2..2). */
  record RpcMismatch(int low, int high) implements ReplyHeader {}

  /** MSG_DENIED, AUTH_ERROR with an {@code auth_stat}. */
  record AuthError(int authStat) implements ReplyHeader {}
}
