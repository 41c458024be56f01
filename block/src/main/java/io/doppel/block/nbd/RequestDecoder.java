package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames transmission-phase requests (NBD proto.md, "Request message"). A header is parsed in place
 * and consumed only together with its full write payload, so a request is either emitted whole or
 * not at all. A write longer than the hard cap is reported as {@link RequestFrame.Broken} before
 * anything is allocated: its payload cannot be skipped safely within our memory budget promise, and
 * the spec allows a hard disconnect on a violated limit. Other requests carry no payload, so their
 * length is checked by the handler.
 */
final class RequestDecoder extends ByteToMessageDecoder {
  private final int maxRequestBytes;
  private boolean broken;

  RequestDecoder(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < NbdWire.REQUEST_HEADER_BYTES) {
      return;
    }
    int start = in.readerIndex();
    int magic = in.getInt(start);
    if (magic != NbdWire.REQUEST_MAGIC) {
      fail(in, out, NbdError.BAD_REQUEST_MAGIC);
      return;
    }
    int flags = in.getUnsignedShort(start + 4);
    int type = in.getUnsignedShort(start + 6);
    long handle = in.getLong(start + 8);
    long offset = in.getLong(start + 16);
    long length = in.getUnsignedInt(start + 24);
    if (type != NbdCommand.WRITE.code) {
      in.skipBytes(NbdWire.REQUEST_HEADER_BYTES);
      out.add(new RequestFrame.Request(flags, type, handle, offset, length, null));
      return;
    }
    if (length > maxRequestBytes) {
      fail(in, out, NbdError.REQUEST_TOO_LONG);
      return;
    }
    if (in.readableBytes() < NbdWire.REQUEST_HEADER_BYTES + length) {
      return;
    }
    in.skipBytes(NbdWire.REQUEST_HEADER_BYTES);
    ByteBuf payload = in.readRetainedSlice((int) length);
    out.add(new RequestFrame.Request(flags, type, handle, offset, length, payload));
  }

  private void fail(ByteBuf in, List<Object> out, NbdError reason) {
    broken = true;
    in.skipBytes(in.readableBytes());
    out.add(new RequestFrame.Broken(reason));
  }
}
