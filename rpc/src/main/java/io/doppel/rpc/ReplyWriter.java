package io.doppel.rpc;

import io.netty.buffer.ByteBuf;

/** Writes the RPC reply header (RFC 5531 §9: xid, REPLY, reply_body) into a reply buffer. */
final class ReplyWriter {
  private ReplyWriter() {}

  /** Writes {@code xid}, msg_type REPLY and the status; procedure results may follow SUCCESS. */
  static void write(ByteBuf out, int xid, ReplyHeader header) {
    out.writeInt(xid);
    out.writeInt(RpcWire.REPLY);
    switch (header) {
      case ReplyHeader.Success s -> accepted(out, RpcWire.SUCCESS);
      case ReplyHeader.ProgramUnavailable p -> accepted(out, RpcWire.PROG_UNAVAIL);
      case ReplyHeader.ProgramMismatch m -> {
        accepted(out, RpcWire.PROG_MISMATCH);
        out.writeInt(m.low());
        out.writeInt(m.high());
      }
      case ReplyHeader.ProcedureUnavailable p -> accepted(out, RpcWire.PROC_UNAVAIL);
      case ReplyHeader.GarbageArgs g -> accepted(out, RpcWire.GARBAGE_ARGS);
      case ReplyHeader.SystemError e -> accepted(out, RpcWire.SYSTEM_ERR);
      case ReplyHeader.RpcMismatch m -> {
        out.writeInt(RpcWire.MSG_DENIED);
        out.writeInt(RpcWire.RPC_MISMATCH);
        out.writeInt(m.low());
        out.writeInt(m.high());
      }
      case ReplyHeader.AuthError a -> {
        out.writeInt(RpcWire.MSG_DENIED);
        out.writeInt(RpcWire.AUTH_ERROR);
        out.writeInt(a.authStat());
      }
    }
  }

  /** MSG_ACCEPTED with an AUTH_NONE verifier (we never authenticate the server). */
  private static void accepted(ByteBuf out, int acceptStat) {
    out.writeInt(RpcWire.MSG_ACCEPTED);
    out.writeInt(RpcWire.AUTH_NONE);
    out.writeInt(0);
    out.writeInt(acceptStat);
  }

  /** The metric label for a header's status. */
  static String statusName(ReplyHeader header) {
    return switch (header) {
      case ReplyHeader.Success s -> "success";
      case ReplyHeader.ProgramUnavailable p -> "prog_unavail";
      case ReplyHeader.ProgramMismatch m -> "prog_mismatch";
      case ReplyHeader.ProcedureUnavailable p -> "proc_unavail";
      case ReplyHeader.GarbageArgs g -> "garbage_args";
      case ReplyHeader.SystemError e -> "system_err";
      case ReplyHeader.RpcMismatch m -> "rpc_mismatch";
      case ReplyHeader.AuthError a -> "auth_error";
    };
  }
}
