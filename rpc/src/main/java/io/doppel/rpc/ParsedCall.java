package io.doppel.rpc;

/** The outcome of decoding one record's call header ({@link CallParser}). */
sealed interface ParsedCall {

  /** A well-formed call; the record's reader index sits at the procedure arguments. */
  record Call(int xid, int program, int version, int procedure, Credential credential)
      implements ParsedCall {}

  /** A call answered without dispatching (RPC_MISMATCH, AUTH_ERROR, GARBAGE_ARGS). */
  record Rejected(int xid, ReplyHeader header, String reason) implements ParsedCall {}

  /** Not answerable at all: dropped and counted under {@code reason}. */
  record Ignored(IgnoreReason reason) implements ParsedCall {}

  /** Why a record got no reply. */
  enum IgnoreReason {
    /** Shorter than xid + msg_type: there is nobody to answer. */
    SHORT,
    /** msg_type REPLY sent to a server (RFC 5531 §9: a server only accepts calls). */
    REPLY_MESSAGE,
    /** msg_type neither CALL nor REPLY. */
    BAD_MESSAGE_TYPE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
