package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.Caller;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.Results;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Stability;
import io.doppel.fs.TimeChange;
import io.doppel.fs.Wcc;
import io.doppel.fs.mutation.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * SETATTR and WRITE on the primary: validates against the current state and the caller's rights
 * (RFC 1813 §3.3.2, §3.3.7, POSIX chmod/chown/utimensat rules), then builds a mutation with every
 * value resolved. Runs under the export's writer lock.
 */
final class AttributePlanner {
  private final WriteContext ctx;

  AttributePlanner(WriteContext ctx) {
    this.ctx = ctx;
  }

  Results.Changed setAttributes(
      Caller caller, InodeRef ref, SetAttributes change, Optional<Long> guardCtimeNanos)
      throws FsException, IOException {
    Inode inode = ctx.reader.live(ref);
    Attributes a = inode.attributes();
    if (guardCtimeNanos.isPresent() && guardCtimeNanos.get() != a.ctimeNanos()) {
      throw new FsException(FsStatus.NOT_SYNC, "ctime guard mismatch");
    }
    checkRights(caller, a, change);
    long now = ctx.now();
    int mode = change.mode().orElse(a.mode()) & 07777;
    int uid = change.uid().orElse(a.uid());
    int gid = change.gid().orElse(a.gid());
    boolean ownerChanged = uid != a.uid() || gid != a.gid();
    if (ownerChanged && caller.uid() != 0 && a.type() == FileType.REGULAR) {
      mode &= ~04000; // chown by a non-root user drops set-user-id, as Linux does
      if ((mode & 010) != 0) {
        mode &= ~02000;
      }
    }
    long size = change.size().orElse(a.size());
    long mtime = WriteContext.resolve(change.mtime(), a.mtimeNanos(), now);
    if (size != a.size() && change.mtime() instanceof TimeChange.Keep) {
      mtime = now; // truncate moves mtime
    }
    long atime = WriteContext.resolve(change.atime(), a.atimeNanos(), now);
    ctx.apply(new Mutation.SetAttributes(a.fileId(), mode, uid, gid, size, atime, mtime, now));
    return new Results.Changed(ctx.wcc(a));
  }

  private static void checkRights(Caller caller, Attributes a, SetAttributes change)
      throws FsException {
    boolean owner = Permissions.isOwnerOrRoot(caller, a);
    if (change.size().isPresent()) {
      if (a.type() != FileType.REGULAR) {
        throw new FsException(FsStatus.INVAL, "size of a " + a.type());
      }
      long size = change.size().getAsLong();
      if (size < 0 || size > WriteContext.MAX_FILE_SIZE) {
        throw new FsException(FsStatus.FBIG, "size " + size);
      }
      Permissions.requireData(caller, a, Permissions.WRITE);
    }
    if (change.mode().isPresent() && !owner) {
      throw new FsException(FsStatus.PERM, "only the owner may change the mode");
    }
    if (change.uid().isPresent() && change.uid().getAsInt() != a.uid() && caller.uid() != 0) {
      throw new FsException(FsStatus.PERM, "only root may change the owner");
    }
    if (change.gid().isPresent()
        && change.gid().getAsInt() != a.gid()
        && caller.uid() != 0
        && !(caller.uid() == a.uid() && caller.inGroup(change.gid().getAsInt()))) {
      throw new FsException(FsStatus.PERM, "may not change the group");
    }
    for (TimeChange t : new TimeChange[] {change.atime(), change.mtime()}) {
      if (t instanceof TimeChange.ClientTime && !owner) {
        throw new FsException(FsStatus.PERM, "only the owner may set times");
      }
      if (t instanceof TimeChange.ServerTime
          && !owner
          && !Permissions.allowed(caller, a, Permissions.WRITE)) {
        throw new FsException(FsStatus.ACCES, "may not touch");
      }
    }
  }

  /** WRITE: returns the result; the caller makes it as durable as {@code stability} asks. */
  Results.Write write(
      Caller caller, InodeRef ref, long offset, ByteBuffer data, Stability stability)
      throws FsException, IOException {
    Inode inode = ctx.reader.live(ref);
    Attributes a = inode.attributes();
    if (a.type() != FileType.REGULAR) {
      throw new FsException(
          a.type() == FileType.DIRECTORY ? FsStatus.ISDIR : FsStatus.INVAL,
          "write to a " + a.type());
    }
    Permissions.requireData(caller, a, Permissions.WRITE);
    int count = data.remaining();
    if (offset < 0 || offset > WriteContext.MAX_FILE_SIZE - count) {
      throw new FsException(FsStatus.FBIG, "write beyond the largest file size");
    }
    if (count == 0) {
      return new Results.Write(0, stability, new Wcc(Wcc.PreAttributes.of(a), a));
    }
    // no copy: the view is valid while the mutation is applied, synchronously, under the lock
    ctx.apply(new Mutation.Write(a.fileId(), offset, data.slice(), ctx.now()));
    return new Results.Write(count, stability, ctx.wcc(a));
  }
}
