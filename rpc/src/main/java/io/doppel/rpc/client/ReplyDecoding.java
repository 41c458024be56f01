package io.doppel.rpc.client;

import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;

/** Decodes a reply message after its xid (RFC 5531 §9 reply_body) into results or an error. */
final class ReplyDecoding {
  private static final String[] ACCEPT_STATS = {
    "SUCCESS", "PROG_UNAVAIL", "PROG_MISMATCH", "PROC_UNAVAIL", "GARBAGE_ARGS", "SYSTEM_ERR"
  };

  private ReplyDecoding() {}

  static <T> T read(XdrDecoder in, RpcClient.ResultReader<T> results)
      throws XdrException, RpcException {
    int type = in.readInt();
    if (type != 1) {
      throw new XdrException("msg_type " + type + " is not REPLY");
    }
    int replyStat = in.readInt();
    if (replyStat == 1) {
      throw denied(in);
    }
    if (replyStat != 0) {
      throw new XdrException("reply_stat " + replyStat);
    }
    in.readInt(); // verifier flavor
    in.readOpaque(400);
    int acceptStat = in.readInt();
    switch (acceptStat) {
      case 0 -> {
        return results.read(in);
      }
      case 2 -> throw new RpcException("PROG_MISMATCH " + in.readInt() + ".." + in.readInt());
      case 1, 3, 4, 5 -> throw new RpcException(ACCEPT_STATS[acceptStat]);
      default -> throw new RpcException("ACCEPT_STAT " + acceptStat);
    }
  }

  private static RpcException denied(XdrDecoder in) throws XdrException {
    int rejectStat = in.readInt();
    return switch (rejectStat) {
      case 0 -> new RpcException("RPC_MISMATCH " + in.readInt() + ".." + in.readInt());
      case 1 -> new RpcException("AUTH_ERROR " + in.readInt());
      default -> new RpcException("REJECT_STAT " + rejectStat);
    };
  }
}
