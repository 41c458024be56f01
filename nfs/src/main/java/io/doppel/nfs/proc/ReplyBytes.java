package io.doppel.nfs.proc;

import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.xdr.XdrEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes a reply body to bytes once, so the original reply and every retransmission answered from
 * the DRC are byte-for-byte identical. Only for bodies without file data (modifying procedures).
 */
public final class ReplyBytes {
  private ReplyBytes() {}

  public static byte[] encode(ReplyBody body) {
    ByteBuf buf = Unpooled.buffer(256);
    try {
      body.encode(new XdrEncoder(buf));
      return ByteBufUtil.getBytes(buf);
    } catch (IOException e) {
      throw new UncheckedIOException("reply body without file data failed to encode", e);
    } finally {
      buf.release();
    }
  }
}
