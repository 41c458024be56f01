package io.doppel.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reassembles TCP records from record-marking fragments (RFC 5531 §11): each fragment starts with a
 * 4-byte header whose top bit marks the last fragment and whose low 31 bits give its length.
 *
 * <p>Every fragment length is checked against what is left of {@code maxRecordBytes} for the whole
 * record <em>before</em> anything is allocated for it; an oversized record closes the connection.
 * Memory grows only with bytes actually received, never with an announced length. A record that
 * arrives whole in one read is passed on as a zero-copy slice.
 *
 * <p>A record spread over several reads is collected as retained slices of the read buffers when a
 * piece fills a good part of its buffer (so a hostile stream of tiny pieces cannot pin many large
 * buffers: pinned memory stays within {@value #PIN_FACTOR} times the bytes received), and small
 * pieces are copied. The parts are joined once, into one direct buffer of exactly the record's
 * size, when the record is complete: one copy, no repeated growth (a 1 MiB WRITE used to be copied
 * about three times by a doubling buffer).
 */
final class RecordMarkingDecoder extends ByteToMessageDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(RecordMarkingDecoder.class);
  private static final int LAST_FRAGMENT = 0x8000_0000;
  private static final int COPY_BUFFER_CAPACITY = 64 * 1024;
  private static final int MIN_SLICE = 4096;
  private static final int PIN_FACTOR = 4;

  /** Decoder states. */
  enum State {
    /** Waiting for the 4-byte header of the next fragment. */
    FRAGMENT_HEADER,
    /** Copying the current fragment's bytes. */
    FRAGMENT_BODY,
    /** A limit was exceeded: the connection is closing, input is discarded. */
    DISCARDING
  }

  private final int maxRecordBytes;
  private final Runnable onOversize;
  private State state = State.FRAGMENT_HEADER;
  private boolean lastFragment;
  private int fragmentRemaining;
  private int recordBytes;
  private int receivedBytes;
  private final List<ByteBuf> parts = new ArrayList<>();
  private ByteBuf copyBuffer;

  RecordMarkingDecoder(int maxRecordBytes, Runnable onOversize) {
    this.maxRecordBytes = maxRecordBytes;
    this.onOversize = onOversize;
  }

  State state() {
    return state;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      switch (state) {
        case FRAGMENT_HEADER -> {
          if (in.readableBytes() < 4 || !readHeader(ctx, in)) {
            return;
          }
        }
        case FRAGMENT_BODY -> {
          if (!readBody(ctx, in, out)) {
            return;
          }
        }
        case DISCARDING -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  /** Returns false when the record got too large and the connection is closing. */
  private boolean readHeader(ChannelHandlerContext ctx, ByteBuf in) {
    int header = in.readInt();
    lastFragment = (header & LAST_FRAGMENT) != 0;
    int length = header & ~LAST_FRAGMENT;
    if (length > maxRecordBytes - recordBytes) {
      oversize(ctx, in, length);
      return false;
    }
    recordBytes += length;
    fragmentRemaining = length;
    state = State.FRAGMENT_BODY;
    return true;
  }

  /** Returns true when the fragment is complete, false when more input is needed. */
  private boolean readBody(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (receivedBytes == 0 && lastFragment && in.readableBytes() >= fragmentRemaining) {
      out.add(in.readRetainedSlice(fragmentRemaining));
      resetRecord();
      return true;
    }
    int n = Math.min(in.readableBytes(), fragmentRemaining);
    if (n > 0) {
      collect(ctx, in, n);
      fragmentRemaining -= n;
      receivedBytes += n;
    }
    if (fragmentRemaining > 0) {
      return false;
    }
    if (lastFragment) {
      out.add(join(ctx));
      resetRecord();
    } else {
      state = State.FRAGMENT_HEADER;
    }
    return true;
  }

  /** Takes {@code n} bytes of {@code in}: a retained slice when it is big enough, else a copy. */
  private void collect(ChannelHandlerContext ctx, ByteBuf in, int n) {
    if (n >= MIN_SLICE && (long) n * PIN_FACTOR >= in.capacity()) {
      closeCopyBuffer();
      parts.add(in.readRetainedSlice(n));
      return;
    }
    if (copyBuffer != null && copyBuffer.writableBytes() < n) {
      closeCopyBuffer();
    }
    if (copyBuffer == null) {
      // bounded by what the (already capped) record still announces, never by more
      int left = recordBytes - receivedBytes;
      int capacity = Math.max(n, Math.min(left, COPY_BUFFER_CAPACITY));
      copyBuffer = ctx.alloc().directBuffer(capacity, capacity);
    }
    copyBuffer.writeBytes(in, n);
  }

  private void closeCopyBuffer() {
    if (copyBuffer != null) {
      parts.add(copyBuffer);
      copyBuffer = null;
    }
  }

  /** The whole record as one buffer: the only part as is, or all parts copied once. */
  private ByteBuf join(ChannelHandlerContext ctx) {
    closeCopyBuffer();
    if (parts.size() == 1) {
      ByteBuf only = parts.get(0);
      parts.clear();
      return only;
    }
    ByteBuf whole = ctx.alloc().directBuffer(receivedBytes, receivedBytes);
    for (ByteBuf part : parts) {
      whole.writeBytes(part);
    }
    releaseRecord();
    return whole;
  }

  private void resetRecord() {
    recordBytes = 0;
    receivedBytes = 0;
    fragmentRemaining = 0;
    state = State.FRAGMENT_HEADER;
  }

  private void oversize(ChannelHandlerContext ctx, ByteBuf in, int fragmentLength) {
    state = State.DISCARDING;
    onOversize.run();
    LOG.debug(
        "event=record_oversize remote={} record_bytes={} fragment_bytes={} max_record_bytes={}",
        ctx.channel().remoteAddress(),
        recordBytes,
        fragmentLength,
        maxRecordBytes);
    releaseRecord();
    in.skipBytes(in.readableBytes());
    ctx.close();
  }

  private void releaseRecord() {
    closeCopyBuffer();
    for (ByteBuf part : parts) {
      part.release();
    }
    parts.clear();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseRecord();
  }
}
