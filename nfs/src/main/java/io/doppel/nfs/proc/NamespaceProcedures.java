package io.doppel.nfs.proc;

import io.doppel.fs.ExportStore;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.Results;
import io.doppel.nfs.wire.NfsArgs.CreateArgs;
import io.doppel.nfs.wire.NfsArgs.DirOpArgs;
import io.doppel.nfs.wire.NfsArgs.HandleArgs;
import io.doppel.nfs.wire.NfsArgs.LinkArgs;
import io.doppel.nfs.wire.NfsArgs.MkdirArgs;
import io.doppel.nfs.wire.NfsArgs.MknodArgs;
import io.doppel.nfs.wire.NfsArgs.RenameArgs;
import io.doppel.nfs.wire.NfsArgs.SymlinkArgs;
import io.doppel.nfs.wire.NfsResult;
import io.doppel.rpc.ReplyBody;
import java.nio.charset.StandardCharsets;

/**
 * LOOKUP, READLINK, CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK (RFC 1813 §3.3.3, 5,
 * 8–15). Name rules (empty, ".", "..", '/', length) are the store's.
 */
final class NamespaceProcedures {
  private NamespaceProcedures() {}

  static ReplyBody lookup(RequestContext ctx, DirOpArgs args) throws FsException {
    Target dir = ctx.resolve(args.dir());
    Results.Lookup r = dir.store().lookup(dir.caller(), dir.inode(), args.name());
    byte[] handle = ctx.handleFor(dir, r.child());
    return RequestContext.ok(
        new NfsResult.LookupResult(handle, r.childAttributes(), r.directory()), dir);
  }

  static ReplyBody readLink(RequestContext ctx, HandleArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Results.Link r = t.store().readLink(t.inode());
    return RequestContext.ok(new NfsResult.ReadLinkResult(r.attributes(), r.target()), t);
  }

  static ReplyBody create(RequestContext ctx, CreateArgs args) throws FsException {
    Target dir = ctx.resolve(args.where().dir());
    Results.Created r =
        dir.store().create(dir.caller(), dir.inode(), args.where().name(), args.how());
    return created(ctx, dir, r);
  }

  static ReplyBody mkdir(RequestContext ctx, MkdirArgs args) throws FsException {
    Target dir = ctx.resolve(args.where().dir());
    Results.Created r =
        dir.store()
            .makeDirectory(dir.caller(), dir.inode(), args.where().name(), args.attributes());
    return created(ctx, dir, r);
  }

  static ReplyBody symlink(RequestContext ctx, SymlinkArgs args) throws FsException {
    Target dir = ctx.resolve(args.where().dir());
    if (args.target().getBytes(StandardCharsets.UTF_8).length > ExportStore.MAX_PATH_BYTES) {
      throw new FsException(FsStatus.NAMETOOLONG, "symlink target too long");
    }
    Results.Created r =
        dir.store()
            .makeSymlink(
                dir.caller(), dir.inode(), args.where().name(), args.target(), args.attributes());
    return created(ctx, dir, r);
  }

  static ReplyBody mknod(RequestContext ctx, MknodArgs args) throws FsException {
    Target dir = ctx.resolve(args.where().dir());
    switch (args.type()) {
      case REGULAR, DIRECTORY, SYMLINK ->
          throw new FsException(FsStatus.BADTYPE, "MKNOD cannot make " + args.type());
      case CHAR_DEVICE, BLOCK_DEVICE, SOCKET, FIFO -> {}
    }
    Results.Created r =
        dir.store()
            .makeNode(
                dir.caller(),
                dir.inode(),
                args.where().name(),
                args.type(),
                args.major(),
                args.minor(),
                args.attributes());
    return created(ctx, dir, r);
  }

  private static ReplyBody created(RequestContext ctx, Target dir, Results.Created r) {
    byte[] handle = ctx.handleFor(dir, r.ref());
    return RequestContext.ok(
        new NfsResult.CreatedResult(handle, r.attributes(), r.directory()), dir);
  }

  static ReplyBody remove(RequestContext ctx, DirOpArgs args) throws FsException {
    Target dir = ctx.resolve(args.dir());
    Results.Removed r = dir.store().remove(dir.caller(), dir.inode(), args.name());
    return RequestContext.ok(new NfsResult.WccResult(r.directory()), dir);
  }

  static ReplyBody rmdir(RequestContext ctx, DirOpArgs args) throws FsException {
    Target dir = ctx.resolve(args.dir());
    Results.Removed r = dir.store().removeDirectory(dir.caller(), dir.inode(), args.name());
    return RequestContext.ok(new NfsResult.WccResult(r.directory()), dir);
  }

  static ReplyBody rename(RequestContext ctx, RenameArgs args) throws FsException {
    Target from = ctx.resolve(args.from().dir());
    Target to = ctx.resolveSameExport(args.to().dir(), from);
    Results.Renamed r =
        from.store()
            .rename(from.caller(), from.inode(), args.from().name(), to.inode(), args.to().name());
    return RequestContext.ok(new NfsResult.RenameResult(r.fromDirectory(), r.toDirectory()), from);
  }

  static ReplyBody link(RequestContext ctx, LinkArgs args) throws FsException {
    Target file = ctx.resolve(args.file());
    Target dir = ctx.resolveSameExport(args.link().dir(), file);
    Results.Linked r =
        file.store().link(file.caller(), file.inode(), dir.inode(), args.link().name());
    return RequestContext.ok(new NfsResult.LinkResult(r.file(), r.directory()), file);
  }
}
