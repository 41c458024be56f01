package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * One fixed-newstyle option reply: magic, option, reply type, length, data (NBD proto.md, "Fixed
 * newstyle negotiation").
 */
record OptionReply(int option, int type, byte[] data) {

  static OptionReply ack(int option) {
    return new OptionReply(option, NbdWire.REP_ACK, new byte[0]);
  }

  /** An error reply with a human-readable message (the spec allows a string payload). */
  static OptionReply error(int option, int type, String message) {
    return new OptionReply(option, type, message.getBytes(StandardCharsets.UTF_8));
  }

  ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = alloc.buffer(20 + data.length);
    buf.writeLong(NbdWire.OPTION_REPLY_MAGIC);
    buf.writeInt(option);
    buf.writeInt(type);
    buf.writeInt(data.length);
    buf.writeBytes(data);
    return buf;
  }
}
