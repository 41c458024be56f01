package io.doppel.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Frames each outgoing reply as one last fragment (RFC 5531 §11). The 4-byte header goes out as its
 * own small buffer ahead of the reply, so the reply is never copied.
 */
@Sharable
final class RecordMarkingEncoder extends MessageToMessageEncoder<ByteBuf> {
  static final RecordMarkingEncoder INSTANCE = new RecordMarkingEncoder();

  private RecordMarkingEncoder() {
    super(ByteBuf.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
    out.add(ctx.alloc().buffer(4).writeInt(0x8000_0000 | msg.readableBytes()));
    out.add(msg.retain());
  }
}
