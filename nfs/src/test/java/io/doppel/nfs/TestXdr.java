package io.doppel.nfs;

import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** Test helpers: XDR bytes in and out of Netty heap buffers. */
public final class TestXdr {
  private TestXdr() {}

  public static byte[] bytes(Consumer<XdrEncoder> writer) {
    ByteBuf buf = Unpooled.buffer();
    writer.accept(new XdrEncoder(buf));
    return ByteBufUtil.getBytes(buf);
  }

  public static byte[] encode(ReplyBody body) {
    ByteBuf buf = Unpooled.buffer();
    try {
      body.encode(new XdrEncoder(buf));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteBufUtil.getBytes(buf);
  }

  public static XdrDecoder decoder(byte[] bytes) {
    return new XdrDecoder(Unpooled.wrappedBuffer(bytes));
  }
}
