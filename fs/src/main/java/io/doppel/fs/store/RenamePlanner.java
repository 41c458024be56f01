package io.doppel.fs.store;

import io.doppel.fs.Caller;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.Results;
import io.doppel.fs.Wcc;
import io.doppel.fs.mutation.Mutation;
import java.io.IOException;

/**
 * RENAME on the primary (RFC 1813 §3.3.14, POSIX rename(2)): a compatible existing target is
 * replaced (file over file, directory over empty directory); both names linking one inode is a
 * successful no-op; a directory cannot move into itself or a descendant (INVAL). Runs under the
 * export's writer lock.
 */
final class RenamePlanner {
  private final WriteContext ctx;

  RenamePlanner(WriteContext ctx) {
    this.ctx = ctx;
  }

  Results.Renamed rename(
      Caller caller, InodeRef fromRef, String fromName, InodeRef toRef, String toName)
      throws FsException, IOException {
    Inode fromDir = ctx.directory(fromRef);
    Inode toDir = ctx.directory(toRef);
    if (Names.isDot(fromName) || Names.isDot(toName)) {
      throw new FsException(FsStatus.INVAL, "cannot rename '.' or '..'");
    }
    Names.checkSyntax(fromName);
    Names.checkSyntax(toName);
    int wx = Permissions.WRITE | Permissions.EXECUTE;
    Permissions.require(caller, fromDir.attributes(), wx);
    Permissions.require(caller, toDir.attributes(), wx);
    MetadataReader.Entry from = ctx.reader.entry(fromDir.fileId(), fromName);
    if (from == null) {
      throw new FsException(FsStatus.NOENT, "no entry " + fromName);
    }
    Inode moved = ctx.existing(from.fileId());
    Permissions.requireStickyOk(caller, fromDir.attributes(), moved.attributes());
    MetadataReader.Entry to = ctx.reader.entry(toDir.fileId(), toName);
    if (to != null && to.fileId() == from.fileId()) {
      Wcc f = new Wcc(Wcc.PreAttributes.of(fromDir.attributes()), fromDir.attributes());
      Wcc t = new Wcc(Wcc.PreAttributes.of(toDir.attributes()), toDir.attributes());
      return new Results.Renamed(f, t);
    }
    if (to != null) {
      checkReplaceable(caller, toDir, moved, ctx.existing(to.fileId()));
    }
    if (moved.isDirectory() && fromDir.fileId() != toDir.fileId()) {
      checkDirectoryMove(caller, moved, toDir, to == null);
    }
    ctx.apply(
        new Mutation.Rename(
            fromDir.fileId(), fromName, toDir.fileId(), toName, toDir.nextCookie(), ctx.now()));
    return new Results.Renamed(ctx.wcc(fromDir.attributes()), ctx.wcc(toDir.attributes()));
  }

  private void checkReplaceable(Caller caller, Inode toDir, Inode moved, Inode target)
      throws FsException {
    if (moved.isDirectory() && !target.isDirectory()) {
      throw new FsException(FsStatus.NOTDIR, "cannot replace a non-directory with a directory");
    }
    if (!moved.isDirectory() && target.isDirectory()) {
      throw new FsException(FsStatus.ISDIR, "cannot replace a directory with a non-directory");
    }
    if (target.isDirectory() && !ctx.reader.isEmptyDirectory(target.fileId())) {
      throw new FsException(FsStatus.NOTEMPTY, "target directory is not empty");
    }
    Permissions.requireStickyOk(caller, toDir.attributes(), target.attributes());
  }

  /**
   * A directory changing parent: its ".." changes, so the caller needs write permission on it (as
   * Linux requires), and the new parent must not be the directory itself or below it.
   */
  private void checkDirectoryMove(Caller caller, Inode moved, Inode toDir, boolean addsLink)
      throws FsException, IOException {
    Permissions.require(caller, moved.attributes(), Permissions.WRITE);
    long root = ctx.applier.rootId();
    long p = toDir.fileId();
    for (int depth = 0; ; depth++) {
      if (p == moved.fileId()) {
        throw new FsException(FsStatus.INVAL, "cannot move a directory into itself");
      }
      if (p == root || depth > 1_000_000) {
        break;
      }
      p = ctx.existing(p).parent();
    }
    if (addsLink && toDir.attributes().nlink() >= WriteContext.MAX_LINKS) {
      throw new FsException(FsStatus.MLINK, "too many subdirectories");
    }
  }
}
