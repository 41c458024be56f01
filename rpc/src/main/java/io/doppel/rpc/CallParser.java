package io.doppel.rpc;

import io.doppel.rpc.ParsedCall.IgnoreReason;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the call header of one record (RFC 5531 §9 {@code call_body}, §8.2 {@code opaque_auth},
 * Appendix A {@code authsys_parms}).
 *
 * <p>Error mapping: fewer than 8 bytes, a REPLY or an unknown msg_type → no reply; rpcvers ≠ 2 →
 * RPC_MISMATCH 2..2; program/version/procedure truncated → GARBAGE_ARGS; a malformed credential
 * (truncated, over 400 bytes, bad AUTH_SYS body, more than 16 gids, trailing bytes) → AUTH_ERROR
 * AUTH_BADCRED; a malformed or over-long verifier → AUTH_BADVERF.
 *
 * <p>A credential flavor we do not implement (AUTH_SHORT, AUTH_DH, RPCSEC_GSS, …) is answered
 * AUTH_BADCRED. RFC 5531 names no dedicated auth_stat for "unknown flavor"; AUTH_BADCRED is what
 * the Linux kernel server sends, while AUTH_TOOWEAK (RFC 2623 §2.3.2) means "flavor understood but
 * not accepted for this export" and is left to the NFS layer's export policy.
 */
final class CallParser {
  private CallParser() {}

  static ParsedCall parse(XdrDecoder in) {
    if (in.remaining() < 8) {
      return new ParsedCall.Ignored(IgnoreReason.SHORT);
    }
    int xid;
    try {
      xid = in.readInt();
      int type = in.readInt();
      if (type == RpcWire.REPLY) {
        return new ParsedCall.Ignored(IgnoreReason.REPLY_MESSAGE);
      }
      if (type != RpcWire.CALL) {
        return new ParsedCall.Ignored(IgnoreReason.BAD_MESSAGE_TYPE);
      }
    } catch (XdrException e) {
      return new ParsedCall.Ignored(IgnoreReason.SHORT);
    }
    return parseBody(xid, in);
  }

  private static ParsedCall parseBody(int xid, XdrDecoder in) {
    int rpcVersion;
    int program;
    int version;
    int procedure;
    try {
      rpcVersion = in.readInt();
      if (rpcVersion != RpcWire.RPC_VERSION) {
        return new ParsedCall.Rejected(
            xid,
            new ReplyHeader.RpcMismatch(RpcWire.RPC_VERSION, RpcWire.RPC_VERSION),
            "rpcvers " + rpcVersion);
      }
      program = in.readInt();
      version = in.readInt();
      procedure = in.readInt();
    } catch (XdrException e) {
      return new ParsedCall.Rejected(xid, new ReplyHeader.GarbageArgs(), e.getMessage());
    }
    Credential credential;
    try {
      credential = readCredential(in);
    } catch (XdrException e) {
      return authError(xid, RpcWire.AUTH_BADCRED, "credential: " + e.getMessage());
    }
    try {
      in.readInt(); // verifier flavor: AUTH_NONE/AUTH_SYS calls carry no checked verifier
      in.readOpaque(RpcWire.MAX_AUTH_BYTES);
    } catch (XdrException e) {
      return authError(xid, RpcWire.AUTH_BADVERF, "verifier: " + e.getMessage());
    }
    return new ParsedCall.Call(xid, program, version, procedure, credential);
  }

  private static ParsedCall authError(int xid, int authStat, String reason) {
    return new ParsedCall.Rejected(xid, new ReplyHeader.AuthError(authStat), reason);
  }

  private static Credential readCredential(XdrDecoder in) throws XdrException {
    int flavor = in.readInt();
    byte[] body = in.readOpaque(RpcWire.MAX_AUTH_BYTES);
    return switch (flavor) {
      case RpcWire.AUTH_NONE -> new Credential.None();
      case RpcWire.AUTH_SYS -> readSys(body);
      default -> throw new XdrException("unsupported flavor " + flavor);
    };
  }

  /** Decodes an authsys_parms body, which must be consumed exactly. */
  static Credential.Sys readSys(byte[] body) throws XdrException {
    XdrDecoder in = new XdrDecoder(io.netty.buffer.Unpooled.wrappedBuffer(body));
    int stamp = in.readInt();
    String machine = in.readString(RpcWire.MAX_MACHINE_NAME);
    int uid = in.readInt();
    int gid = in.readInt();
    int count = in.readInt();
    if (count < 0 || count > RpcWire.MAX_GIDS) {
      throw new XdrException("gids count " + Integer.toUnsignedString(count) + " > 16");
    }
    List<Integer> gids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      gids.add(in.readInt());
    }
    if (in.remaining() != 0) {
      throw new XdrException(in.remaining() + " trailing bytes in AUTH_SYS body");
    }
    return new Credential.Sys(stamp, machine, uid, gid, gids);
  }
}
