package io.doppel.block.nbd;

import io.doppel.block.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transmission phase of one connection (NBD proto.md, "Transmission"). Requests are checked on
 * the event loop; valid ones run on the bounded worker pool (blocking disk I/O never touches the
 * event loop) and their completions come back to the event loop as tasks, which own all of this
 * handler's state. Replies go out in completion order, matched by handle, as the spec allows.
 *
 * <p>Back-pressure: when a connection has too many requests or bytes in flight it stops reading
 * from its socket until some complete, so memory per connection stays bounded.
 */
final class TransmissionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TransmissionHandler.class);
  static final String DECODER_NAME = "nbd-request-decoder";
  static final String HANDLER_NAME = "nbd-transmission";
  private static final int MAX_INFLIGHT_REQUESTS = 128;
  private static final long MIN_INFLIGHT_BYTES = 64L << 20;

  private final TransmissionContext context;
  private final Volume volume;
  private final boolean structured;
  private final long maxInflightBytes;
  private int inflight;
  private long inflightBytes;
  private boolean disconnecting;
  private boolean flushScheduled;

  TransmissionHandler(TransmissionContext context, Volume volume, boolean structured) {
    this.context = context;
    this.volume = volume;
    this.structured = structured;
    this.maxInflightBytes = Math.max(MIN_INFLIGHT_BYTES, 2L * context.maxRequestBytes());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof RequestFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    switch (frame) {
      case RequestFrame.Broken b -> {
        context.stats().error(b.reason());
        LOG.debug("event=nbd_stream_broken reason={} remote={}", b.reason(), ctx.channel());
        ctx.close();
      }
      case RequestFrame.Request r -> onRequest(ctx, r);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, RequestFrame.Request r) {
    NbdCommand command = NbdCommand.of(r.type());
    context.stats().request(command);
    if (disconnecting) {
      release(r); // proto.md: the client MUST NOT send anything after NBD_CMD_DISC
      context.stats().error(NbdError.PROTOCOL);
      return;
    }
    if (command == NbdCommand.DISC) {
      disconnecting = true;
      ctx.channel().config().setAutoRead(false);
      closeIfDrained(ctx);
      return;
    }
    NbdError refusal = RequestCheck.refusal(command, r, volume, structured, context);
    if (refusal != null) {
      release(r);
      context.stats().error(refusal);
      writeError(ctx, r, command, refusal, refusal.label());
      return;
    }
    long cost = command == NbdCommand.READ || command == NbdCommand.WRITE ? r.length() : 0;
    long started = context.nanoClock().getAsLong();
    inflight++;
    inflightBytes += cost;
    if (inflight >= MAX_INFLIGHT_REQUESTS || inflightBytes >= maxInflightBytes) {
      ctx.channel().config().setAutoRead(false);
    }
    try {
      context.workers().execute(() -> serve(ctx, command, r, cost, started));
    } catch (RejectedExecutionException e) {
      release(r);
      context.stats().error(NbdError.OVERLOADED);
      complete(ctx, command, r, Outcome.failed(NbdError.OVERLOADED, "server overloaded"), cost, 0);
    }
  }

  /** Runs on a worker thread: the only place that calls the volume. */
  private void serve(
      ChannelHandlerContext ctx, NbdCommand command, RequestFrame.Request r, long cost, long t0) {
    Outcome outcome;
    try {
      outcome = execute(ctx, command, r);
    } catch (Throwable t) {
      outcome = failure(t, command, r);
    } finally {
      release(r);
    }
    Outcome result = outcome;
    try {
      ctx.executor().execute(() -> complete(ctx, command, r, result, cost, t0));
    } catch (RejectedExecutionException e) {
      result.release(); // the event loop is shutting down with the server
    }
  }

  private Outcome execute(ChannelHandlerContext ctx, NbdCommand command, RequestFrame.Request r)
      throws IOException {
    boolean fua = (r.flags() & NbdWire.CMD_FLAG_FUA) != 0;
    switch (command) {
      case READ -> {
        int length = (int) r.length();
        ByteBuf data = ctx.alloc().directBuffer(length, length);
        try {
          volume.read(r.offset(), length, data.nioBuffer(0, length));
          data.writerIndex(length);
          return Outcome.read(data);
        } catch (IOException | RuntimeException e) {
          data.release();
          throw e;
        }
      }
      case WRITE -> write(r.payload(), r.offset(), fua);
      case FLUSH -> volume.flush();
      case TRIM -> {
        volume.trim(r.offset(), r.length());
        if (fua) {
          volume.flush();
        }
      }
      case WRITE_ZEROES ->
          volume.writeZeroes(
              r.offset(), r.length(), fua, (r.flags() & NbdWire.CMD_FLAG_NO_HOLE) == 0);
      case DISC -> throw new IllegalStateException("DISC is handled on the event loop");
    }
    return Outcome.OK;
  }

  /**
   * A sliced payload may span several socket buffers: write each piece in place rather than let
   * {@link ByteBuf#nioBuffer()} merge them through a heap copy. FUA on the last piece covers the
   * earlier ones, since forcing the volume makes every completed write durable.
   */
  private void write(ByteBuf payload, long offset, boolean fua) throws IOException {
    if (payload.nioBufferCount() <= 1) {
      volume.write(offset, payload.nioBuffer(), fua);
      return;
    }
    ByteBuffer[] pieces = payload.nioBuffers();
    long pos = offset;
    for (int i = 0; i < pieces.length; i++) {
      int n = pieces[i].remaining();
      volume.write(pos, pieces[i], fua && i == pieces.length - 1);
      pos += n;
    }
  }

  /** The one place an unexpected failure becomes a protocol error. */
  private Outcome failure(Throwable t, NbdCommand command, RequestFrame.Request r) {
    NbdError kind = RequestCheck.classify(t);
    if (kind == NbdError.IO_ERROR && !(t instanceof IOException)) {
      LOG.warn(
          "event=nbd_unexpected volume={} command={} offset={}",
          volume.name(),
          command,
          r.offset(),
          t);
    } else {
      LOG.warn(
          "event=nbd_io_error volume={} command={} offset={} length={} error=\"{}\"",
          volume.name(),
          command,
          r.offset(),
          r.length(),
          t.toString());
    }
    context.stats().error(kind);
    return Outcome.failed(kind, String.valueOf(t.getMessage()));
  }

  /** Runs on the event loop: sends the reply and updates the in-flight accounting. */
  private void complete(
      ChannelHandlerContext ctx,
      NbdCommand command,
      RequestFrame.Request r,
      Outcome outcome,
      long cost,
      long started) {
    inflight--;
    inflightBytes -= cost;
    if (!ctx.channel().isActive()) {
      outcome.release();
      return;
    }
    if (outcome.error() != null) {
      writeError(ctx, r, command, outcome.error(), outcome.message());
    } else {
      writeSuccess(ctx, command, r, outcome.data());
    }
    if (started != 0) {
      context.stats().served(context.nanoClock().getAsLong() - started);
    }
    if (!disconnecting
        && inflight < MAX_INFLIGHT_REQUESTS
        && inflightBytes < maxInflightBytes
        && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
    closeIfDrained(ctx);
  }

  private void writeSuccess(
      ChannelHandlerContext ctx, NbdCommand command, RequestFrame.Request r, ByteBuf data) {
    if (command != NbdCommand.READ) {
      if (command == NbdCommand.WRITE) {
        context.stats().written(r.length());
      }
      send(ctx, ReplyEncoding.simple(ctx.alloc(), 0, r.handle()));
      return;
    }
    int length = data.readableBytes();
    context.stats().read(length);
    // Header and data go out as one message (a zero-copy composite) so no other reply can ever
    // be written between them.
    if (!structured) {
      send(ctx, Unpooled.wrappedBuffer(ReplyEncoding.simple(ctx.alloc(), 0, r.handle()), data));
    } else if (length == 0) {
      data.release();
      send(ctx, ReplyEncoding.none(ctx.alloc(), r.handle()));
    } else {
      ByteBuf header = ReplyEncoding.offsetData(ctx.alloc(), r.handle(), r.offset(), length);
      send(ctx, Unpooled.wrappedBuffer(header, data));
    }
  }

  /** Structured replies MUST answer a READ with a structured error; all else gets a simple one. */
  private void writeError(
      ChannelHandlerContext ctx,
      RequestFrame.Request r,
      NbdCommand command,
      NbdError error,
      String message) {
    if (structured && command == NbdCommand.READ) {
      send(ctx, ReplyEncoding.error(ctx.alloc(), r.handle(), error.wireValue, message));
    } else {
      send(ctx, ReplyEncoding.simple(ctx.alloc(), error.wireValue, r.handle()));
    }
  }

  /**
   * Queues a reply and flushes once per batch: the flush runs as an event-loop task after the
   * completions already queued, so a burst of replies costs one syscall rather than one each.
   */
  private void send(ChannelHandlerContext ctx, ByteBuf reply) {
    ctx.write(reply, ctx.voidPromise());
    if (flushScheduled) {
      return;
    }
    flushScheduled = true;
    try {
      ctx.executor().execute(() -> flushBatch(ctx));
    } catch (RejectedExecutionException e) {
      flushBatch(ctx); // the event loop is shutting down: flush now
    }
  }

  private void flushBatch(ChannelHandlerContext ctx) {
    flushScheduled = false;
    ctx.flush();
  }

  private void closeIfDrained(ChannelHandlerContext ctx) {
    if (disconnecting && inflight == 0) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void release(RequestFrame.Request r) {
    if (r.payload() != null) {
      r.payload().release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("event=nbd_connection_error remote={} error=\"{}\"", ctx.channel(), cause.toString());
    ctx.close();
  }

  /** A finished request: an error kind, or success with read data (null for other commands). */
  private record Outcome(NbdError error, String message, ByteBuf data) {
    static final Outcome OK = new Outcome(null, null, null);

    static Outcome read(ByteBuf data) {
      return new Outcome(null, null, data);
    }

    static Outcome failed(NbdError error, String message) {
      return new Outcome(error, message, null);
    }

    void release() {
      if (data != null) {
        data.release();
      }
    }
  }
}
