package io.doppel.replication.transport;

import io.doppel.replication.wire.MessageCodec;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.WireLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@code u32 length} and the encoded message. */
final class FrameEncoder extends MessageToByteEncoder<ReplicationMessage> {
  private final MessageCodec codec;
  private final TransportStats stats;

  FrameEncoder(WireLimits limits, TransportStats stats) {
    super(ReplicationMessage.class);
    this.codec = new MessageCodec(limits);
    this.stats = stats;
  }

  /** Exactly the frame's size, so the buffer never grows (a copy) while the message goes in. */
  @Override
  protected ByteBuf allocateBuffer(
      ChannelHandlerContext ctx, ReplicationMessage msg, boolean preferDirect) {
    return ctx.alloc().ioBuffer(4 + codec.encodedSize(msg));
  }

  /** Encodes straight into the outbound buffer: a record's payload is copied once, here. */
  @Override
  protected void encode(ChannelHandlerContext ctx, ReplicationMessage msg, ByteBuf out) {
    int size = codec.encodedSize(msg);
    out.ensureWritable(4 + size);
    out.writeInt(size);
    codec.encodeInto(msg, out.nioBuffer(out.writerIndex(), size));
    out.writerIndex(out.writerIndex() + size);
    stats.framesOut.increment();
  }
}
