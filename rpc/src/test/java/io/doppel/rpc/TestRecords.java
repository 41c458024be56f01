package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/** Builds raw call records and fragments for tests. */
final class TestRecords {
  private TestRecords() {}

  static byte[] bytes(Consumer<XdrEncoder> writer) {
    ByteBuf buf = Unpooled.buffer();
    writer.accept(new XdrEncoder(buf));
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    return out;
  }

  /** A call with AUTH_NONE credential and verifier, followed by {@code args}. */
  static byte[] call(int xid, int program, int version, int procedure, byte[] args) {
    return bytes(
        out -> {
          out.writeInt(xid).writeInt(0).writeInt(2);
          out.writeInt(program).writeInt(version).writeInt(procedure);
          out.writeInt(0).writeInt(0).writeInt(0).writeInt(0);
          out.writeFixedOpaque(args);
        });
  }

  /** An AUTH_SYS credential body. */
  static byte[] sysBody(int stamp, String machine, int uid, int gid, int... gids) {
    return bytes(
        out -> {
          out.writeInt(stamp).writeString(machine).writeInt(uid).writeInt(gid);
          out.writeInt(gids.length);
          for (int g : gids) {
            out.writeInt(g);
          }
        });
  }

  /** A call header with the given credential flavor and body. */
  static byte[] callWithCred(int xid, int flavor, byte[] credBody) {
    return bytes(
        out -> {
          out.writeInt(xid).writeInt(0).writeInt(2);
          out.writeInt(7).writeInt(1).writeInt(0);
          out.writeInt(flavor).writeOpaque(credBody);
          out.writeInt(0).writeInt(0);
        });
  }

  /** One fragment: 4-byte header then the bytes. */
  static byte[] fragment(byte[] body, boolean last) {
    byte[] out = new byte[body.length + 4];
    int header = (last ? 0x8000_0000 : 0) | body.length;
    out[0] = (byte) (header >>> 24);
    out[1] = (byte) (header >>> 16);
    out[2] = (byte) (header >>> 8);
    out[3] = (byte) header;
    System.arraycopy(body, 0, out, 4, body.length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
