package io.doppel.nfs.proc;

import io.doppel.fs.Attributes;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.Results;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs.CommitArgs;
import io.doppel.nfs.wire.NfsArgs.ReadArgs;
import io.doppel.nfs.wire.NfsArgs.WriteArgs;
import io.doppel.nfs.wire.NfsResult;
import io.doppel.rpc.ReplyBody;

/**
 * READ, WRITE, COMMIT (RFC 1813 §3.3.6, 7, 21). WRITE and COMMIT answer the server instance's write
 * verifier; READ streams file data into the reply while it is encoded ({@link ReadReplyBody}).
 */
final class DataProcedures {
  private DataProcedures() {}

  static ReplyBody read(RequestContext ctx, ReadArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Attributes a = t.store().getAttributes(t.inode());
    if (a.type() == FileType.DIRECTORY) {
      throw new FsException(FsStatus.ISDIR, "READ of a directory");
    }
    if (a.type() != FileType.REGULAR) {
      throw new FsException(FsStatus.INVAL, "READ of a " + a.type());
    }
    if (args.offset() < 0) { // beyond 2^63: nothing can be there
      int exportId = t.exportId();
      return out -> {
        AttrCodec.writePostOp(out.writeInt(0), a, exportId);
        out.writeInt(0).writeBoolean(true).writeOpaque(new byte[0]);
      };
    }
    int count = Math.min(args.count(), AttributeProcedures.transferBytes(ctx));
    return new ReadReplyBody(t, a, args.offset(), count, ctx.stats());
  }

  static ReplyBody write(RequestContext ctx, WriteArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    if (args.offset() < 0 || args.offset() + args.count() < 0) {
      throw new FsException(FsStatus.FBIG, "WRITE beyond 2^63");
    }
    Results.Write r =
        t.store().write(t.caller(), t.inode(), args.offset(), args.data(), args.stable());
    ctx.stats().bytesWritten(r.count());
    return RequestContext.ok(
        new NfsResult.WriteResult(r.file(), r.count(), r.committed(), ctx.writeVerifier()), t);
  }

  static ReplyBody commit(RequestContext ctx, CommitArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Results.Changed r = t.store().commit(t.caller(), t.inode(), args.offset(), args.count());
    return RequestContext.ok(new NfsResult.CommitResult(r.object(), ctx.writeVerifier()), t);
  }
}
