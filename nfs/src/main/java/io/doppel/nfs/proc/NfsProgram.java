package io.doppel.nfs.proc;

import io.doppel.fs.Attributes;
import io.doppel.fs.FsException;
import io.doppel.fs.Wcc;
import io.doppel.nfs.drc.DrcKey;
import io.doppel.nfs.drc.DrcLookup;
import io.doppel.nfs.drc.DuplicateRequestCache;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.RpcCall;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcReply;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS version 3 (program 100003, RFC 1813): decodes arguments, consults the duplicate request cache
 * for modifying procedures, runs the handler and turns failures into the procedure's resfail body.
 * This is the one place where an {@link FsException} becomes an nfsstat3 and the one catch-all
 * where an unexpected exception becomes NFS3ERR_SERVERFAULT (counted, stack logged once).
 *
 * <p>Procedures run synchronously on the RPC worker thread; only READ defers its file I/O to the
 * moment the reply is encoded, to copy data once.
 */
public final class NfsProgram implements RpcProgram {
  public static final int PROGRAM = 100003;
  public static final int VERSION = 3;
  private static final Logger LOG = LoggerFactory.getLogger(NfsProgram.class);

  private final List<Procedure<?>> procedures = NfsProcedures.all();
  private final NfsServices services;
  private final DuplicateRequestCache drc;

  public NfsProgram(NfsServices services, DuplicateRequestCache drc) {
    this.services = services;
    this.drc = drc;
  }

  @Override
  public int program() {
    return PROGRAM;
  }

  @Override
  public int lowestVersion() {
    return VERSION;
  }

  @Override
  public int highestVersion() {
    return VERSION;
  }

  @Override
  public CompletionStage<RpcReply> handle(RpcCall call, XdrDecoder args) {
    if (call.procedure() < 0 || call.procedure() >= procedures.size()) {
      return CompletableFuture.completedFuture(new RpcReply.ProcedureUnavailable());
    }
    return CompletableFuture.completedFuture(
        dispatch(procedures.get(call.procedure()), call, args));
  }

  private <A> RpcReply dispatch(Procedure<A> p, RpcCall call, XdrDecoder in) {
    A args;
    try {
      args = p.decoder().decode(in);
    } catch (XdrException e) {
      services.stats().garbageArgs();
      LOG.debug(
          "event=garbage_args procedure={} client={} reason={}",
          p.name(),
          call.client(),
          e.getMessage());
      return new RpcReply.GarbageArgs(e.getMessage());
    }
    if (!p.modifying()) {
      return RpcReply.success(run(p, call, args));
    }
    DrcKey key = DrcKey.of(call);
    return switch (drc.begin(key)) {
      case DrcLookup.InProgress inProgress -> new RpcReply.Drop();
      case DrcLookup.Replay replay -> RpcReply.success(replayed(replay.reply()));
      case DrcLookup.Miss miss -> runCached(p, call, args, key);
    };
  }

  private <A> RpcReply runCached(Procedure<A> p, RpcCall call, A args, DrcKey key) {
    byte[] reply;
    try {
      reply = ReplyBytes.encode(run(p, call, args));
    } catch (RuntimeException e) {
      drc.abandon(key);
      services.stats().serverFault();
      LOG.warn(
          "event=server_fault procedure={} client={} stage=encode", p.name(), call.client(), e);
      return new RpcReply.SystemError("reply encoding failed");
    }
    drc.complete(key, reply);
    return RpcReply.success(replayed(reply));
  }

  private static ReplyBody replayed(byte[] reply) {
    return out -> out.writeFixedOpaque(reply);
  }

  /** Runs a procedure; every outcome is a reply body with its nfsstat3. */
  private <A> ReplyBody run(Procedure<A> p, RpcCall call, A args) {
    RequestContext ctx = new RequestContext(call, p.modifying(), services);
    try {
      ReplyBody ok = p.handler().handle(ctx, args);
      if (!(ok instanceof ReadReplyBody)) { // READ counts itself once its data is out
        services.stats().call(p.name(), NfsStatus.NFS3_OK.name());
      }
      return ok;
    } catch (FsException e) {
      NfsStatus status = NfsStatus.of(e.status());
      LOG.debug(
          "event=nfs_error procedure={} status={} reason={}", p.name(), status, e.getMessage());
      return failure(p.name(), status, p.failBody().slots(args), ctx);
    } catch (RuntimeException e) {
      services.stats().serverFault();
      LOG.warn("event=server_fault procedure={} client={}", p.name(), call.client(), e);
      return failure(p.name(), NfsStatus.NFS3ERR_SERVERFAULT, p.failBody().slots(args), ctx);
    }
  }

  /** The resfail body: status, then each slot's attributes as far as they can still be read. */
  private ReplyBody failure(
      String name, NfsStatus status, List<FailSlot> slots, RequestContext ctx) {
    services.stats().call(name, status.name());
    List<Attributes> current = new ArrayList<>();
    List<Integer> exportIds = new ArrayList<>();
    for (FailSlot s : slots) {
      current.add(ctx.peekAttributes(s.handle()));
      exportIds.add(ctx.exportIdOf(s.handle()));
    }
    return out -> {
      out.writeInt(status.code);
      for (int i = 0; i < slots.size(); i++) {
        Attributes a = current.get(i);
        switch (slots.get(i).kind()) {
          case POST_OP -> AttrCodec.writePostOp(out, a, exportIds.get(i));
          case WCC ->
              AttrCodec.writeWcc(out, a == null ? null : new Wcc(null, a), exportIds.get(i));
        }
      }
    };
  }
}
