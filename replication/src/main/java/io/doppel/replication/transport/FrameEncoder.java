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

  @Override
  protected void encode(ChannelHandlerContext ctx, ReplicationMessage msg, ByteBuf out) {
    byte[] bytes = codec.encode(msg);
    out.writeInt(bytes.length).writeBytes(bytes);
    stats.framesOut.increment();
  }
}
