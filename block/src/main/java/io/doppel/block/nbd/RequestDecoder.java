package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames transmission-phase requests (NBD proto.md, "Request message"). A request is emitted whole
 * or not at all. A write longer than the hard cap is reported as {@link RequestFrame.Broken} before
 * anything is allocated: its payload cannot be skipped safely within our memory budget promise, and
 * the spec allows a hard disconnect on a violated limit. Other requests carry no payload, so their
 * length is checked by the handler.
 *
 * <p>Write payloads are copied at most once. A large payload that has fully arrived is a retained
 * slice of the socket buffers (zero copy; the composite cumulator appends later reads without
 * copying, so a retained slice costs nothing), provided the buffers it pins are not much larger
 * than the payload itself. Otherwise one pooled direct buffer of the request's length is allocated
 * and filled as bytes arrive. Either way the payload is direct, so the file write needs no
 * heap-to-direct copy; a sliced payload may span several buffers (see {@link ByteBuf#nioBuffers}).
 */
final class RequestDecoder extends ByteToMessageDecoder {
  private final int maxRequestBytes;
  private boolean broken;

  /** The WRITE whose payload is being received (payload partly filled), or null. */
  private RequestFrame.Request pending;

  /** Payloads at least this long may be sliced rather than copied. */
  static final int SLICE_MIN_BYTES = 128 * 1024;

  /** A slice may pin at most this many times its own length of socket buffers. */
  private static final int SLICE_MAX_OVERHEAD = 4;

  RequestDecoder(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
    setCumulator(COMPOSITE_CUMULATOR);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (pending != null) {
      fillPending(in, out);
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
    int n = (int) length;
    if (n >= SLICE_MIN_BYTES
        && in.readableBytes() >= NbdWire.REQUEST_HEADER_BYTES + n
        && in.capacity() <= (long) SLICE_MAX_OVERHEAD * n) {
      in.skipBytes(NbdWire.REQUEST_HEADER_BYTES);
      out.add(
          new RequestFrame.Request(flags, type, handle, offset, length, in.readRetainedSlice(n)));
      return;
    }
    in.skipBytes(NbdWire.REQUEST_HEADER_BYTES);
    ByteBuf payload = ctx.alloc().directBuffer(n, n);
    pending = new RequestFrame.Request(flags, type, handle, offset, length, payload);
    fillPending(in, out);
  }

  private void fillPending(ByteBuf in, List<Object> out) {
    ByteBuf payload = pending.payload();
    int n = Math.min(in.readableBytes(), payload.writableBytes());
    payload.writeBytes(in, n);
    if (!payload.isWritable()) {
      out.add(pending);
      pending = null;
    }
  }

  private void fail(ByteBuf in, List<Object> out, NbdError reason) {
    broken = true;
    in.skipBytes(in.readableBytes());
    out.add(new RequestFrame.Broken(reason));
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.payload().release();
      pending = null;
    }
  }
}
