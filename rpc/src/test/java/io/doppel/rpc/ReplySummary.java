package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** A test-side reading of a reply message: xid, a status summary and the result bytes. */
record ReplySummary(int xid, String status, byte[] results) {

  static ReplySummary parse(byte[] reply) {
    return parse(Unpooled.wrappedBuffer(reply));
  }

  static ReplySummary parse(ByteBuf reply) {
    XdrDecoder in = new XdrDecoder(reply);
    try {
      int xid = in.readInt();
      if (in.readInt() != 1) {
        throw new AssertionError("not a reply");
      }
      String status;
      if (in.readInt() == 1) {
        int reject = in.readInt();
        status =
            reject == 0
                ? "RPC_MISMATCH " + in.readInt() + ".." + in.readInt()
                : "AUTH_ERROR " + in.readInt();
      } else {
        if (in.readInt() != 0 || in.readInt() != 0) {
          throw new AssertionError("verifier not AUTH_NONE");
        }
        int stat = in.readInt();
        status =
            switch (stat) {
              case 0 -> "SUCCESS";
              case 1 -> "PROG_UNAVAIL";
              case 2 -> "PROG_MISMATCH " + in.readInt() + ".." + in.readInt();
              case 3 -> "PROC_UNAVAIL";
              case 4 -> "GARBAGE_ARGS";
              case 5 -> "SYSTEM_ERR";
              default -> "?" + stat;
            };
      }
      byte[] rest = in.readFixedOpaque(in.remaining() & ~3);
      return new ReplySummary(xid, status, rest);
    } catch (XdrException e) {
      throw new AssertionError("malformed reply: " + e.getMessage(), e);
    }
  }
}
