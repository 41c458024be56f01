package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.FileType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * An inode as stored under {@code 'i' fileid}: its attributes plus what NFS needs beside them.
 *
 * @param parent the containing directory of a directory (for ".." and rename checks), else 0
 * @param nextCookie the next READDIR cookie a directory hands out (never reused), else 0
 * @param verifier the EXCLUSIVE create verifier the file was created with, if any
 * @param symlinkTarget a symlink's target, "" otherwise
 */
public record Inode(
    Attributes attributes,
    long parent,
    long nextCookie,
    OptionalLong verifier,
    String symlinkTarget) {

  private static final int VERSION = 1;

  public long fileId() {
    return attributes.fileId();
  }

  public FileType type() {
    return attributes.type();
  }

  public boolean isDirectory() {
    return attributes.type() == FileType.DIRECTORY;
  }

  public Inode withAttributes(Attributes a) {
    return new Inode(a, parent, nextCookie, verifier, symlinkTarget);
  }

  public Inode withParent(long p) {
    return new Inode(attributes, p, nextCookie, verifier, symlinkTarget);
  }

  public Inode withNextCookie(long c) {
    return new Inode(attributes, parent, c, verifier, symlinkTarget);
  }

  /** Cookies 1 and 2 are left for "." and ".." (which the NFS layer may synthesise). */
  public static final long FIRST_COOKIE = 3;

  /** The size a directory reports. */
  public static final long DIRECTORY_SIZE = 4096;

  /** Bytes the object occupies, derived from type and size so every replica agrees. */
  public static long usedBytes(FileType type, long size) {
    return switch (type) {
      case REGULAR, SYMLINK, DIRECTORY -> size;
      default -> 0;
    };
  }

  public Inode withNlink(int nlink) {
    Attributes a = attributes;
    return withAttributes(
        new Attributes(
            a.type(),
            a.mode(),
            nlink,
            a.uid(),
            a.gid(),
            a.size(),
            a.usedBytes(),
            a.rdevMajor(),
            a.rdevMinor(),
            a.fileId(),
            a.generation(),
            a.atimeNanos(),
            a.mtimeNanos(),
            a.ctimeNanos()));
  }

  /** Content changed: mtime and ctime. */
  public Inode touched(long timeNanos) {
    return withTimes(timeNanos, timeNanos);
  }

  /** Only the inode changed (link count, rename): ctime. */
  public Inode changed(long timeNanos) {
    return withTimes(attributes.mtimeNanos(), timeNanos);
  }

  private Inode withTimes(long mtimeNanos, long ctimeNanos) {
    Attributes a = attributes;
    return withAttributes(
        new Attributes(
            a.type(),
            a.mode(),
            a.nlink(),
            a.uid(),
            a.gid(),
            a.size(),
            a.usedBytes(),
            a.rdevMajor(),
            a.rdevMinor(),
            a.fileId(),
            a.generation(),
            a.atimeNanos(),
            mtimeNanos,
            ctimeNanos));
  }

  /** A write or truncate: new size, mtime and ctime. */
  public Inode resized(long size, long timeNanos) {
    Attributes a = attributes;
    return withAttributes(
        new Attributes(
            a.type(),
            a.mode(),
            a.nlink(),
            a.uid(),
            a.gid(),
            size,
            usedBytes(a.type(), size),
            a.rdevMajor(),
            a.rdevMinor(),
            a.fileId(),
            a.generation(),
            a.atimeNanos(),
            timeNanos,
            timeNanos));
  }

  public byte[] encode() {
    Attributes a = attributes;
    byte[] target = symlinkTarget.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + 4 * 7 + 8 * 10 + 1 + 4 + target.length);
    b.put((byte) VERSION).put((byte) a.type().code);
    b.putInt(a.mode()).putInt(a.nlink()).putInt(a.uid()).putInt(a.gid());
    b.putLong(a.size()).putLong(a.usedBytes()).putInt(a.rdevMajor()).putInt(a.rdevMinor());
    b.putLong(a.fileId()).putInt(a.generation());
    b.putLong(a.atimeNanos()).putLong(a.mtimeNanos()).putLong(a.ctimeNanos());
    b.putLong(parent).putLong(nextCookie);
    b.put((byte) (verifier.isPresent() ? 1 : 0)).putLong(verifier.orElse(0));
    b.putInt(target.length).put(target);
    return b.array();
  }

  public static Inode decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("unknown inode format " + version);
    }
    FileType type = FileType.ofCode(b.get());
    int mode = b.getInt();
    int nlink = b.getInt();
    int uid = b.getInt();
    int gid = b.getInt();
    long size = b.getLong();
    long used = b.getLong();
    int major = b.getInt();
    int minor = b.getInt();
    long fileId = b.getLong();
    int generation = b.getInt();
    Attributes a =
        new Attributes(
            type,
            mode,
            nlink,
            uid,
            gid,
            size,
            used,
            major,
            minor,
            fileId,
            generation,
            b.getLong(),
            b.getLong(),
            b.getLong());
    long parent = b.getLong();
    long nextCookie = b.getLong();
    boolean hasVerifier = b.get() != 0;
    long verifier = b.getLong();
    byte[] target = new byte[b.getInt()];
    b.get(target);
    return new Inode(
        a,
        parent,
        nextCookie,
        hasVerifier ? OptionalLong.of(verifier) : OptionalLong.empty(),
        new String(target, StandardCharsets.UTF_8));
  }
}
