package io.doppel.replication.transport;

import io.doppel.replication.wire.MalformedMessageException;
import io.doppel.replication.wire.MessageCodec;
import io.doppel.replication.wire.WireLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the byte stream into frames ({@code u32 length, message}) and decodes each. The length is
 * checked against {@link WireLimits#maxFrameBytes()} before anything is allocated; a bad length or
 * an undecodable message closes the connection (the peer reconnects and the protocol resends).
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private final WireLimits limits;
  private final MessageCodec codec;
  private final TransportStats stats;
  private boolean failed;

  FrameDecoder(WireLimits limits, TransportStats stats) {
    this.limits = limits;
    this.codec = new MessageCodec(limits);
    this.stats = stats;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws CorruptedFrameException {
    if (failed) {
      in.skipBytes(in.readableBytes()); // the connection is closing; ignore what is left
      return;
    }
    while (in.readableBytes() >= 4) {
      long length = in.getUnsignedInt(in.readerIndex());
      if (length < 10 || length > limits.maxFrameBytes()) {
        fail(in);
        throw new CorruptedFrameException("frame length " + length + " out of range");
      }
      if (in.readableBytes() < 4 + length) {
        return;
      }
      in.skipBytes(4);
      // Decoded from a view of the buffer: the codec copies each payload out once, nothing else.
      ByteBuffer frame = in.nioBuffer(in.readerIndex(), (int) length);
      in.skipBytes((int) length);
      try {
        out.add(codec.decode(frame));
        stats.framesIn.increment();
      } catch (MalformedMessageException e) {
        fail(in);
        throw new CorruptedFrameException(e.getMessage());
      }
    }
  }

  private void fail(ByteBuf in) {
    failed = true;
    stats.malformed.increment();
    in.skipBytes(in.readableBytes());
  }
}
