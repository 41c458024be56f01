package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one received record into at most one reply: decodes the call header, checks program and
 * version (RFC 5531 §9: PROG_UNAVAIL, PROG_MISMATCH), runs {@link RpcProgram#handle} on the bounded
 * worker pool and writes what it answers. This is the one place where an unexpected handler failure
 * becomes SYSTEM_ERR, is counted and logged with its stack.
 */
final class CallDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CallDispatcher.class);
  static final int DIGEST_BYTES = 256;

  private final Map<Integer, RpcProgram> programs = new HashMap<>();
  private final Executor workers;
  private final RpcStats stats;
  private final LongSupplier nanoClock;

  CallDispatcher(
      List<RpcProgram> programs, Executor workers, RpcStats stats, LongSupplier nanoClock) {
    for (RpcProgram p : programs) {
      if (this.programs.put(p.program(), p) != null) {
        throw new IllegalArgumentException("program " + p.program() + " registered twice");
      }
    }
    this.workers = workers;
    this.stats = stats;
    this.nanoClock = nanoClock;
  }

  /** Handles one record; takes ownership of {@code record}. */
  void dispatch(ByteBuf record, Responder responder) {
    long startNanos = nanoClock.getAsLong();
    ParsedCall parsed;
    try {
      parsed = CallParser.parse(new XdrDecoder(record));
    } catch (RuntimeException e) {
      record.release();
      throw e;
    }
    switch (parsed) {
      case ParsedCall.Ignored ignored -> {
        record.release();
        stats.ignored(ignored.reason());
        LOG.debug("event=record_ignored client={} reason={}", responder.client(), ignored.reason());
      }
      case ParsedCall.Rejected rejected -> {
        record.release();
        if (rejected.header() instanceof ReplyHeader.AuthError) {
          stats.authErrors.increment();
        }
        LOG.debug(
            "event=call_rejected xid={} client={} reason={}",
            rejected.xid(),
            responder.client(),
            rejected.reason());
        sendHeader(responder, rejected.xid(), rejected.header(), startNanos);
      }
      case ParsedCall.Call call -> route(call, record, responder, startNanos);
    }
  }

  private void route(ParsedCall.Call c, ByteBuf record, Responder responder, long startNanos) {
    RpcProgram program = programs.get(c.program());
    if (program == null) {
      record.release();
      sendHeader(responder, c.xid(), new ReplyHeader.ProgramUnavailable(), startNanos);
      return;
    }
    if (c.version() < program.lowestVersion() || c.version() > program.highestVersion()) {
      record.release();
      ReplyHeader h =
          new ReplyHeader.ProgramMismatch(program.lowestVersion(), program.highestVersion());
      sendHeader(responder, c.xid(), h, startNanos);
      return;
    }
    stats.call(c.program(), c.version());
    RpcCall call =
        new RpcCall(
            c.xid(),
            c.program(),
            c.version(),
            c.procedure(),
            c.credential(),
            responder.client(),
            responder.local(),
            responder.transport(),
            digest(record),
            record.readableBytes());
    try {
      workers.execute(() -> invoke(program, call, record, responder, startNanos));
    } catch (RejectedExecutionException e) {
      record.release();
      stats.droppedQueueFull.increment();
      LOG.debug(
          "event=call_dropped reason=queue_full xid={} client={}", c.xid(), responder.client());
    }
  }

  /** CRC32C of the first {@value #DIGEST_BYTES} argument bytes (high half) and their length. */
  static long digest(ByteBuf args) {
    int n = Math.min(DIGEST_BYTES, args.readableBytes());
    CRC32C crc = new CRC32C();
    crc.update(args.nioBuffer(args.readerIndex(), n));
    return (crc.getValue() << 32) | (args.readableBytes() & 0xffff_ffffL);
  }

  private void invoke(
      RpcProgram program, RpcCall call, ByteBuf record, Responder responder, long startNanos) {
    CompletionStage<RpcReply> stage;
    try {
      stage = program.handle(call, new XdrDecoder(record));
      if (stage == null) {
        throw new IllegalStateException("handle returned null");
      }
    } catch (Exception e) {
      stage = CompletableFuture.failedFuture(e);
    } finally {
      record.release();
    }
    stage.whenComplete(
        (reply, failure) -> {
          if (failure != null) {
            stats.handlerFailures.increment();
            LOG.warn(
                "event=handler_failed program={} version={} procedure={} xid={}",
                call.program(),
                call.version(),
                call.procedure(),
                call.xid(),
                failure);
            reply = new RpcReply.SystemError(String.valueOf(failure));
          }
          complete(call, reply, responder, startNanos);
        });
  }

  private void complete(RpcCall call, RpcReply reply, Responder responder, long startNanos) {
    if (reply == null) {
      reply = new RpcReply.SystemError("null reply");
    }
    switch (reply) {
      case RpcReply.Success s -> sendSuccess(call, s.body(), responder, startNanos);
      case RpcReply.ProcedureUnavailable p ->
          sendHeader(responder, call.xid(), new ReplyHeader.ProcedureUnavailable(), startNanos);
      case RpcReply.GarbageArgs g -> {
        LOG.debug(
            "event=garbage_args xid={} client={} reason={}", call.xid(), call.client(), g.reason());
        sendHeader(responder, call.xid(), new ReplyHeader.GarbageArgs(), startNanos);
      }
      case RpcReply.SystemError e -> {
        LOG.debug(
            "event=system_err xid={} client={} reason={}", call.xid(), call.client(), e.reason());
        sendHeader(responder, call.xid(), new ReplyHeader.SystemError(), startNanos);
      }
      case RpcReply.AuthError a -> {
        stats.authErrors.increment();
        sendHeader(responder, call.xid(), new ReplyHeader.AuthError(a.authStat()), startNanos);
      }
      case RpcReply.Drop d -> stats.replyDropped();
    }
  }

  private void sendSuccess(RpcCall call, ReplyBody body, Responder responder, long startNanos) {
    ByteBuf out = responder.alloc().buffer();
    ReplyHeader header = new ReplyHeader.Success();
    try {
      ReplyWriter.write(out, call.xid(), header);
      body.encode(new XdrEncoder(out));
    } catch (IOException | RuntimeException e) {
      stats.handlerFailures.increment();
      LOG.warn(
          "event=reply_encode_failed program={} version={} procedure={} xid={}",
          call.program(),
          call.version(),
          call.procedure(),
          call.xid(),
          e);
      out.clear();
      header = new ReplyHeader.SystemError();
      ReplyWriter.write(out, call.xid(), header);
    }
    send(responder, out, header, startNanos);
  }

  private void sendHeader(Responder responder, int xid, ReplyHeader header, long startNanos) {
    ByteBuf out = responder.alloc().buffer(32);
    ReplyWriter.write(out, xid, header);
    send(responder, out, header, startNanos);
  }

  private void send(Responder responder, ByteBuf out, ReplyHeader header, long startNanos) {
    stats.reply(header);
    stats.callSeconds.observe((nanoClock.getAsLong() - startNanos) / 1e9);
    responder.send(out);
  }
}
