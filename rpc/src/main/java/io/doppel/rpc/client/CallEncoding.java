package io.doppel.rpc.client;

import io.doppel.rpc.Credential;
import io.doppel.rpc.xdr.XdrEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Encodes a call header (RFC 5531 §9 call_body; AUTH_SYS per Appendix A). */
final class CallEncoding {
  private CallEncoding() {}

  static void writeHeader(
      XdrEncoder out, int xid, int program, int version, int procedure, Credential credential) {
    out.writeInt(xid).writeInt(0).writeInt(2);
    out.writeInt(program).writeInt(version).writeInt(procedure);
    writeCredential(out, credential);
    out.writeInt(0).writeInt(0); // verifier AUTH_NONE
  }

  static void writeCredential(XdrEncoder out, Credential credential) {
    switch (credential) {
      case Credential.None n -> out.writeInt(0).writeInt(0);
      case Credential.Sys s -> {
        ByteBuf body = Unpooled.buffer(64);
        XdrEncoder b = new XdrEncoder(body);
        b.writeInt(s.stamp()).writeString(s.machineName()).writeInt(s.uid()).writeInt(s.gid());
        b.writeInt(s.gids().size());
        for (int g : s.gids()) {
          b.writeInt(g);
        }
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        out.writeInt(1).writeOpaque(bytes);
      }
    }
  }
}
