package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Client-side NBD encodings for tests (what qemu or libnbd would send). */
final class ClientWire {
  private ClientWire() {}

  static ByteBuf clientFlags(int flags) {
    return Unpooled.buffer(4).writeInt(flags);
  }

  static ByteBuf option(int option, byte[] data) {
    ByteBuf b = Unpooled.buffer(16 + data.length);
    b.writeLong(NbdWire.IHAVEOPT).writeInt(option).writeInt(data.length).writeBytes(data);
    return b;
  }

  /** NBD_OPT_GO / NBD_OPT_INFO payload for {@code name} with the given info requests. */
  static byte[] goData(String name, int... infos) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuf b = Unpooled.buffer();
    b.writeInt(n.length).writeBytes(n).writeShort(infos.length);
    for (int i : infos) {
      b.writeShort(i);
    }
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  static ByteBuf request(int flags, int type, long handle, long offset, long length, byte[] data) {
    ByteBuf b = Unpooled.buffer(28 + (data == null ? 0 : data.length));
    b.writeInt(NbdWire.REQUEST_MAGIC).writeShort(flags).writeShort(type).writeLong(handle);
    b.writeLong(offset).writeInt((int) length);
    if (data != null) {
      b.writeBytes(data);
    }
    return b;
  }

  static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), out);
    return out;
  }
}
