package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Transmission-phase reply headers (NBD proto.md, "Simple reply message", "Structured reply chunk
 * message"). Read data follows a header as a separate buffer so it is never copied.
 */
final class ReplyEncoding {
  private ReplyEncoding() {}

  /** Simple reply: magic, error, handle (16 bytes); read data, if any, follows. */
  static ByteBuf simple(ByteBufAllocator alloc, int error, long handle) {
    ByteBuf buf = alloc.buffer(16);
    buf.writeInt(NbdWire.SIMPLE_REPLY_MAGIC);
    buf.writeInt(error);
    buf.writeLong(handle);
    return buf;
  }

  /**
   * The single final NBD_REPLY_TYPE_OFFSET_DATA chunk of a structured read: header plus the 8-byte
   * offset; {@code dataLength} bytes of data follow. The whole read is in memory before this is
   * sent, so no error can occur later and DONE may be set on the data chunk.
   */
  static ByteBuf offsetData(ByteBufAllocator alloc, long handle, long offset, int dataLength) {
    ByteBuf buf = alloc.buffer(28);
    chunkHeader(buf, NbdWire.REPLY_TYPE_OFFSET_DATA, handle, 8 + dataLength);
    buf.writeLong(offset);
    return buf;
  }

  /** NBD_REPLY_TYPE_NONE with DONE: a successful reply without data (zero-length read). */
  static ByteBuf none(ByteBufAllocator alloc, long handle) {
    ByteBuf buf = alloc.buffer(20);
    chunkHeader(buf, NbdWire.REPLY_TYPE_NONE, handle, 0);
    return buf;
  }

  /** NBD_REPLY_TYPE_ERROR with DONE, carrying a short human-readable message. */
  static ByteBuf error(ByteBufAllocator alloc, long handle, int error, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, 1024);
    ByteBuf buf = alloc.buffer(26 + n);
    chunkHeader(buf, NbdWire.REPLY_TYPE_ERROR, handle, 6 + n);
    buf.writeInt(error);
    buf.writeShort(n);
    buf.writeBytes(text, 0, n);
    return buf;
  }

  private static void chunkHeader(ByteBuf buf, int type, long handle, int length) {
    buf.writeInt(NbdWire.STRUCTURED_REPLY_MAGIC);
    buf.writeShort(NbdWire.REPLY_FLAG_DONE);
    buf.writeShort(type);
    buf.writeLong(handle);
    buf.writeInt(length);
  }
}
