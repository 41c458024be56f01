package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.Caller;
import io.doppel.fs.CreateMode;
import io.doppel.fs.ExportStore;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.Results;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.TimeChange;
import io.doppel.fs.Wcc;
import io.doppel.fs.mutation.Mutation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME and LINK on the primary (RFC 1813 §3.3.8 to
 * §3.3.15): checks names, types, permissions (write and search on directories, sticky bit) and
 * POSIX rename rules, then builds the mutation with the new fileid, generation, cookie and times.
 * Runs under the export's writer lock.
 */
final class NamespacePlanner {
  private final WriteContext ctx;
  private final AttributePlanner attributes;

  NamespacePlanner(WriteContext ctx, AttributePlanner attributes) {
    this.ctx = ctx;
    this.attributes = attributes;
  }

  /** The properties of a new inode besides its type. */
  private record NewNode(
      FileType type,
      SetAttributes attributes,
      int defaultMode,
      int rdevMajor,
      int rdevMinor,
      String target,
      OptionalLong verifier) {}

  Results.Created create(Caller caller, InodeRef dirRef, String name, CreateMode mode)
      throws FsException, IOException {
    Inode dir = writableDirectory(caller, dirRef);
    Names.checkNew(name);
    MetadataReader.Entry e = ctx.reader.entry(dir.fileId(), name);
    if (e != null) {
      return existing(caller, dir, e, mode);
    }
    NewNode node =
        switch (mode) {
          case CreateMode.Unchecked u -> regular(u.attributes(), OptionalLong.empty());
          case CreateMode.Guarded g -> regular(g.attributes(), OptionalLong.empty());
          case CreateMode.Exclusive x -> regular(SetAttributes.NONE, OptionalLong.of(x.verifier()));
        };
    return createNode(caller, dir, name, node);
  }

  private static NewNode regular(SetAttributes a, OptionalLong verifier) {
    return new NewNode(FileType.REGULAR, a, 0644, 0, 0, "", verifier);
  }

  /** CREATE of a name that exists: per mode, EXIST, an idempotent retry, or a truncate. */
  private Results.Created existing(
      Caller caller, Inode dir, MetadataReader.Entry e, CreateMode mode)
      throws FsException, IOException {
    Inode child = ctx.existing(e.fileId());
    Wcc unchanged = new Wcc(Wcc.PreAttributes.of(dir.attributes()), dir.attributes());
    switch (mode) {
      case CreateMode.Guarded g -> throw new FsException(FsStatus.EXIST, "exists");
      case CreateMode.Exclusive x -> {
        if (child.verifier().isEmpty() || child.verifier().getAsLong() != x.verifier()) {
          throw new FsException(FsStatus.EXIST, "exists with another verifier");
        }
      }
      case CreateMode.Unchecked u -> {
        if (child.type() != FileType.REGULAR) {
          throw new FsException(FsStatus.EXIST, "exists and is a " + child.type());
        }
        if (u.attributes().size().isPresent()) {
          SetAttributes sizeOnly =
              new SetAttributes(
                  OptionalInt.empty(),
                  OptionalInt.empty(),
                  OptionalInt.empty(),
                  u.attributes().size(),
                  TimeChange.KEEP,
                  TimeChange.KEEP);
          attributes.setAttributes(caller, child.attributes().ref(), sizeOnly, Optional.empty());
        }
      }
    }
    return new Results.Created(child.attributes().ref(), ctx.attributes(child.fileId()), unchanged);
  }

  Results.Created makeDirectory(Caller caller, InodeRef dirRef, String name, SetAttributes a)
      throws FsException, IOException {
    Inode dir = writableDirectory(caller, dirRef);
    Names.checkNew(name);
    if (dir.attributes().nlink() >= WriteContext.MAX_LINKS) {
      throw new FsException(FsStatus.MLINK, "too many subdirectories");
    }
    requireAbsent(dir, name);
    return createNode(
        caller,
        dir,
        name,
        new NewNode(FileType.DIRECTORY, a, 0755, 0, 0, "", OptionalLong.empty()));
  }

  Results.Created makeSymlink(
      Caller caller, InodeRef dirRef, String name, String target, SetAttributes a)
      throws FsException, IOException {
    Inode dir = writableDirectory(caller, dirRef);
    Names.checkNew(name);
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new FsException(FsStatus.INVAL, "invalid symlink target");
    }
    if (target.getBytes(StandardCharsets.UTF_8).length > ExportStore.MAX_PATH_BYTES) {
      throw new FsException(FsStatus.NAMETOOLONG, "symlink target too long");
    }
    requireAbsent(dir, name);
    return createNode(
        caller,
        dir,
        name,
        new NewNode(FileType.SYMLINK, a, 0777, 0, 0, target, OptionalLong.empty()));
  }

  Results.Created makeNode(
      Caller caller,
      InodeRef dirRef,
      String name,
      FileType type,
      int major,
      int minor,
      SetAttributes a)
      throws FsException, IOException {
    Inode dir = writableDirectory(caller, dirRef);
    Names.checkNew(name);
    switch (type) {
      case REGULAR, DIRECTORY, SYMLINK ->
          throw new FsException(FsStatus.BADTYPE, "MKNOD of a " + type);
      case BLOCK_DEVICE, CHAR_DEVICE -> {
        if (caller.uid() != 0) {
          throw new FsException(FsStatus.PERM, "only root may create device nodes");
        }
      }
      case SOCKET, FIFO -> {
        major = 0;
        minor = 0;
      }
    }
    requireAbsent(dir, name);
    return createNode(
        caller, dir, name, new NewNode(type, a, 0644, major, minor, "", OptionalLong.empty()));
  }

  private void requireAbsent(Inode dir, String name) throws FsException, IOException {
    if (ctx.reader.entry(dir.fileId(), name) != null) {
      throw new FsException(FsStatus.EXIST, "exists");
    }
  }

  private Results.Created createNode(Caller caller, Inode dir, String name, NewNode n)
      throws FsException, IOException {
    Attributes d = dir.attributes();
    SetAttributes a = n.attributes();
    boolean setgidDir = (d.mode() & 02000) != 0;
    int mode = a.mode().orElse(n.defaultMode()) & 07777;
    if (n.type() == FileType.DIRECTORY && setgidDir) {
      mode |= 02000;
    }
    int uid = caller.uid();
    int gid = setgidDir ? d.gid() : caller.gid();
    if (a.uid().isPresent() && a.uid().getAsInt() != uid) {
      if (caller.uid() != 0) {
        throw new FsException(FsStatus.PERM, "only root may create for another owner");
      }
      uid = a.uid().getAsInt();
    }
    if (a.gid().isPresent() && a.gid().getAsInt() != gid) {
      if (caller.uid() != 0 && !caller.inGroup(a.gid().getAsInt())) {
        throw new FsException(FsStatus.PERM, "not a member of group " + a.gid().getAsInt());
      }
      gid = a.gid().getAsInt();
    }
    long size = n.type() == FileType.REGULAR ? a.size().orElse(0) : 0;
    if (size < 0 || size > WriteContext.MAX_FILE_SIZE) {
      throw new FsException(FsStatus.FBIG, "size " + size);
    }
    long now = ctx.now();
    long fileId = ctx.newFileId();
    int generation = ctx.newGeneration();
    ctx.apply(
        new Mutation.Create(
            d.fileId(),
            name,
            dir.nextCookie(),
            n.type(),
            fileId,
            generation,
            mode,
            uid,
            gid,
            size,
            n.rdevMajor(),
            n.rdevMinor(),
            n.target(),
            n.verifier(),
            WriteContext.resolve(a.atime(), now, now),
            WriteContext.resolve(a.mtime(), now, now),
            now));
    return new Results.Created(
        new InodeRef(fileId, generation), ctx.attributes(fileId), ctx.wcc(d));
  }

  /** A directory the caller may add names to or remove names from (write and search). */
  private Inode writableDirectory(Caller caller, InodeRef ref) throws FsException, IOException {
    Inode dir = ctx.directory(ref);
    Permissions.require(caller, dir.attributes(), Permissions.WRITE | Permissions.EXECUTE);
    return dir;
  }

  Results.Removed remove(Caller caller, InodeRef dirRef, String name, boolean directory)
      throws FsException, IOException {
    Inode dir = ctx.directory(dirRef);
    if (name.equals(".")) {
      throw new FsException(FsStatus.INVAL, "cannot remove '.'");
    }
    if (name.equals("..")) {
      throw new FsException(directory ? FsStatus.NOTEMPTY : FsStatus.INVAL, "cannot remove '..'");
    }
    Names.checkSyntax(name);
    Permissions.require(caller, dir.attributes(), Permissions.WRITE | Permissions.EXECUTE);
    MetadataReader.Entry e = ctx.reader.entry(dir.fileId(), name);
    if (e == null) {
      throw new FsException(FsStatus.NOENT, "no entry " + name);
    }
    Inode child = ctx.existing(e.fileId());
    if (directory && !child.isDirectory()) {
      throw new FsException(FsStatus.NOTDIR, name + " is not a directory");
    }
    if (!directory && child.isDirectory()) {
      throw new FsException(FsStatus.ISDIR, name + " is a directory");
    }
    if (directory && !ctx.reader.isEmptyDirectory(child.fileId())) {
      throw new FsException(FsStatus.NOTEMPTY, name + " is not empty");
    }
    Permissions.requireStickyOk(caller, dir.attributes(), child.attributes());
    long now = ctx.now();
    ctx.apply(
        directory
            ? new Mutation.RemoveDirectory(dir.fileId(), name, now)
            : new Mutation.Remove(dir.fileId(), name, now));
    return new Results.Removed(ctx.wcc(dir.attributes()));
  }

  Results.Linked link(Caller caller, InodeRef fileRef, InodeRef dirRef, String name)
      throws FsException, IOException {
    Inode file = ctx.reader.live(fileRef);
    Inode dir = writableDirectory(caller, dirRef);
    Names.checkNew(name);
    if (file.isDirectory()) {
      throw new FsException(FsStatus.PERM, "hard links to directories are not allowed");
    }
    requireAbsent(dir, name);
    if (file.attributes().nlink() >= WriteContext.MAX_LINKS) {
      throw new FsException(FsStatus.MLINK, "too many links");
    }
    ctx.apply(new Mutation.Link(file.fileId(), dir.fileId(), name, dir.nextCookie(), ctx.now()));
    return new Results.Linked(ctx.attributes(file.fileId()), ctx.wcc(dir.attributes()));
  }
}
