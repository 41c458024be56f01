package io.doppel.fs.mutation;

import io.doppel.fs.FileType;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One state change of an export, fully determined by the primary: every fileid, generation,
 * directory cookie and timestamp is chosen before the mutation exists, so applying it on any
 * replica gives the same result (SYSTEM.md invariant 2). The binary form is {@link MutationCodec};
 * the same bytes go to the mutation log and, later, to the replication stream.
 */
public sealed interface Mutation {

  /** A stable name for metrics and logs. */
  String kind();

  /** The export's root directory, the first mutation of every export. */
  record CreateRoot(long fileId, int generation, long timeNanos) implements Mutation {
    @Override
    public String kind() {
      return "create_root";
    }
  }

  /**
   * CREATE, MKDIR, SYMLINK and MKNOD: a new inode and its directory entry.
   *
   * @param cookie the entry's READDIR cookie in {@code directory}
   * @param symlinkTarget the target of a symlink, "" for every other type
   * @param verifier the EXCLUSIVE create verifier, if any (RFC 1813 §3.3.8)
   * @param timeNanos ctime of the new inode and mtime/ctime of the directory
   */
  record Create(
      long directory,
      String name,
      long cookie,
      FileType type,
      long fileId,
      int generation,
      int mode,
      int uid,
      int gid,
      long size,
      int rdevMajor,
      int rdevMinor,
      String symlinkTarget,
      OptionalLong verifier,
      long atimeNanos,
      long mtimeNanos,
      long timeNanos)
      implements Mutation {
    @Override
    public String kind() {
      return switch (type) {
        case REGULAR -> "create";
        case DIRECTORY -> "mkdir";
        case SYMLINK -> "symlink";
        default -> "mknod";
      };
    }
  }

  /** SETATTR with resolved absolute values (no "server time" left); size applies to files only. */
  record SetAttributes(
      long fileId,
      int mode,
      int uid,
      int gid,
      long size,
      long atimeNanos,
      long mtimeNanos,
      long ctimeNanos)
      implements Mutation {
    @Override
    public String kind() {
      return "setattr";
    }
  }

  /**
   * WRITE: bytes at an offset; mtime and ctime become {@code timeNanos}. The record owns {@code
   * payload} (no defensive copies on the hot path): nobody may modify its bytes after construction.
   * The primary passes a view of the received RPC record, valid only while the mutation is applied
   * (synchronously); whoever keeps a Write longer must keep {@link #data()}, a copy.
   */
  record Write(long fileId, long offset, ByteBuffer payload, long timeNanos) implements Mutation {
    public Write(long fileId, long offset, byte[] data, long timeNanos) {
      this(fileId, offset, ByteBuffer.wrap(data), timeNanos);
    }

    /** The payload's length in bytes. */
    public int length() {
      return payload.remaining();
    }

    /** The payload as an array (the backing array when it is exactly that, else a copy). */
    public byte[] data() {
      if (payload.hasArray()
          && payload.arrayOffset() == 0
          && payload.position() == 0
          && payload.remaining() == payload.array().length) {
        return payload.array();
      }
      byte[] out = new byte[payload.remaining()];
      payload.duplicate().get(out);
      return out;
    }

    @Override
    public String kind() {
      return "write";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Write w
          && w.fileId == fileId
          && w.offset == offset
          && w.timeNanos == timeNanos
          && w.payload.equals(payload);
    }

    @Override
    public int hashCode() {
      return Objects.hash(fileId, offset, timeNanos, payload.hashCode());
    }

    @Override
    public String toString() {
      return "Write[fileId=" + fileId + ", offset=" + offset + ", length=" + length() + "]";
    }
  }

  /** REMOVE of a non-directory entry (the inode goes when its last link does). */
  record Remove(long directory, String name, long timeNanos) implements Mutation {
    @Override
    public String kind() {
      return "remove";
    }
  }

  /** RMDIR of an empty directory. */
  record RemoveDirectory(long directory, String name, long timeNanos) implements Mutation {
    @Override
    public String kind() {
      return "rmdir";
    }
  }

  /**
   * RENAME; an existing target is replaced. The moved entry gets the new {@code cookie} in {@code
   * toDirectory}.
   */
  record Rename(
      long fromDirectory,
      String fromName,
      long toDirectory,
      String toName,
      long cookie,
      long timeNanos)
      implements Mutation {
    @Override
    public String kind() {
      return "rename";
    }
  }

  /** LINK: a new name for an existing non-directory. */
  record Link(long fileId, long directory, String name, long cookie, long timeNanos)
      implements Mutation {
    @Override
    public String kind() {
      return "link";
    }
  }
}
