package io.doppel.nfs.wire;

import io.doppel.fs.CreateMode;
import io.doppel.fs.FileType;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Stability;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.doppel.rpc.xdr.XdrException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Arguments of the NFSv3 procedures (RFC 1813 §3.3), decoded with hard bounds. Handles are kept as
 * raw bytes: checking them (BADHANDLE, STALE) is the procedure's job, so a bad handle gets a proper
 * nfsstat3 rather than GARBAGE_ARGS. Names and paths are decoded with generous bounds so that the
 * store, not the decoder, answers NAMETOOLONG. Each record can also encode itself (clients, tests).
 */
public sealed interface NfsArgs {
  /** NFS3_FHSIZE: the largest handle on the wire. */
  int MAX_HANDLE_BYTES = 64;

  /** Bound on a filename3 on the wire; longer names than the store allows get NAMETOOLONG. */
  int MAX_WIRE_NAME_BYTES = 1024;

  /** Bound on an nfspath3 on the wire. */
  int MAX_WIRE_PATH_BYTES = 8192;

  /** wtmax: the largest WRITE payload accepted (FSINFO advertises it). */
  int MAX_WRITE_BYTES = 1 << 20;

  void encode(XdrEncoder out);

  static byte[] readHandle(XdrDecoder in) throws XdrException {
    return in.readOpaque(MAX_HANDLE_BYTES);
  }

  /** Reads a uint32 count, saturating at Integer.MAX_VALUE (callers clip further). */
  static int readCount(XdrDecoder in) throws XdrException {
    return (int) Math.min(in.readUnsignedInt(), Integer.MAX_VALUE);
  }

  /** GETATTR, READLINK, FSSTAT, FSINFO, PATHCONF: just a handle. */
  record HandleArgs(byte[] handle) implements NfsArgs {
    public static HandleArgs decode(XdrDecoder in) throws XdrException {
      return new HandleArgs(readHandle(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(handle);
    }
  }

  /** SETATTR3args (§3.3.2): guard present = compare the object's ctime first. */
  record SetAttrArgs(byte[] handle, SetAttributes change, Optional<Long> guardCtimeNanos)
      implements NfsArgs {
    public static SetAttrArgs decode(XdrDecoder in) throws XdrException {
      byte[] h = readHandle(in);
      SetAttributes s = AttrCodec.readSattr(in);
      Optional<Long> guard =
          in.readBoolean() ? Optional.of(AttrCodec.readTime(in)) : Optional.empty();
      return new SetAttrArgs(h, s, guard);
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(handle);
      AttrCodec.writeSattr(out, change);
      out.writeBoolean(guardCtimeNanos.isPresent());
      guardCtimeNanos.ifPresent(t -> AttrCodec.writeTime(out, t));
    }
  }

  /** diropargs3 (§3.3.3): LOOKUP, REMOVE, RMDIR and part of others. */
  record DirOpArgs(byte[] dir, String name) implements NfsArgs {
    public static DirOpArgs decode(XdrDecoder in) throws XdrException {
      return new DirOpArgs(readHandle(in), in.readString(MAX_WIRE_NAME_BYTES));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(dir).writeString(name);
    }
  }

  /** ACCESS3args (§3.3.4). */
  record AccessArgs(byte[] handle, int access) implements NfsArgs {
    public static AccessArgs decode(XdrDecoder in) throws XdrException {
      return new AccessArgs(readHandle(in), in.readInt());
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(handle).writeInt(access);
    }
  }

  /** READ3args (§3.3.6); an offset above 2^63 appears negative and reads as end of file. */
  record ReadArgs(byte[] handle, long offset, int count) implements NfsArgs {
    public static ReadArgs decode(XdrDecoder in) throws XdrException {
      return new ReadArgs(readHandle(in), in.readLong(), readCount(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(handle).writeLong(offset).writeInt(count);
    }
  }

  /** WRITE3args (§3.3.7); {@code data} is a view valid only while the call is handled. */
  record WriteArgs(byte[] handle, long offset, int count, Stability stable, ByteBuffer data)
      implements NfsArgs {
    public static WriteArgs decode(XdrDecoder in) throws XdrException {
      byte[] h = readHandle(in);
      long offset = in.readLong();
      int count = readCount(in);
      Stability stable = stability(in.readInt());
      ByteBuffer data = in.readOpaqueView(MAX_WRITE_BYTES);
      if (count > data.remaining()) {
        throw new XdrException("WRITE count " + count + " > data length " + data.remaining());
      }
      return new WriteArgs(h, offset, count, stable, data.limit(data.position() + count));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(handle).writeLong(offset).writeInt(count).writeInt(stable.code);
      out.writeOpaque(data);
    }
  }

  static Stability stability(int code) throws XdrException {
    return switch (code) {
      case 0 -> Stability.UNSTABLE;
      case 1 -> Stability.DATA_SYNC;
      case 2 -> Stability.FILE_SYNC;
      default -> throw new XdrException("stable_how " + code + " out of range");
    };
  }

  /** CREATE3args (§3.3.8): createhow3 UNCHECKED 0, GUARDED 1, EXCLUSIVE 2. */
  record CreateArgs(DirOpArgs where, CreateMode how) implements NfsArgs {
    public static CreateArgs decode(XdrDecoder in) throws XdrException {
      DirOpArgs where = DirOpArgs.decode(in);
      int mode = in.readInt();
      CreateMode how =
          switch (mode) {
            case 0 -> new CreateMode.Unchecked(AttrCodec.readSattr(in));
            case 1 -> new CreateMode.Guarded(AttrCodec.readSattr(in));
            case 2 -> new CreateMode.Exclusive(in.readLong());
            default -> throw new XdrException("createmode3 " + mode + " out of range");
          };
      return new CreateArgs(where, how);
    }

    @Override
    public void encode(XdrEncoder out) {
      where.encode(out);
      switch (how) {
        case CreateMode.Unchecked u -> AttrCodec.writeSattr(out.writeInt(0), u.attributes());
        case CreateMode.Guarded g -> AttrCodec.writeSattr(out.writeInt(1), g.attributes());
        case CreateMode.Exclusive e -> out.writeInt(2).writeLong(e.verifier());
      }
    }
  }

  /** MKDIR3args (§3.3.9). */
  record MkdirArgs(DirOpArgs where, SetAttributes attributes) implements NfsArgs {
    public static MkdirArgs decode(XdrDecoder in) throws XdrException {
      return new MkdirArgs(DirOpArgs.decode(in), AttrCodec.readSattr(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      where.encode(out);
      AttrCodec.writeSattr(out, attributes);
    }
  }

  /** SYMLINK3args (§3.3.10). */
  record SymlinkArgs(DirOpArgs where, SetAttributes attributes, String target) implements NfsArgs {
    public static SymlinkArgs decode(XdrDecoder in) throws XdrException {
      DirOpArgs where = DirOpArgs.decode(in);
      SetAttributes attributes = AttrCodec.readSattr(in);
      return new SymlinkArgs(where, attributes, in.readString(MAX_WIRE_PATH_BYTES));
    }

    @Override
    public void encode(XdrEncoder out) {
      where.encode(out);
      AttrCodec.writeSattr(out, attributes);
      out.writeString(target);
    }
  }

  /**
   * MKNOD3args (§3.3.11): CHR/BLK carry sattr3 and specdata3, SOCK/FIFO sattr3, other types nothing
   * (the procedure answers BADTYPE).
   */
  record MknodArgs(DirOpArgs where, FileType type, SetAttributes attributes, int major, int minor)
      implements NfsArgs {
    public static MknodArgs decode(XdrDecoder in) throws XdrException {
      DirOpArgs where = DirOpArgs.decode(in);
      FileType type = AttrCodec.fileType(in.readInt());
      return switch (type) {
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          SetAttributes a = AttrCodec.readSattr(in);
          yield new MknodArgs(where, type, a, in.readInt(), in.readInt());
        }
        case SOCKET, FIFO -> new MknodArgs(where, type, AttrCodec.readSattr(in), 0, 0);
        case REGULAR, DIRECTORY, SYMLINK -> new MknodArgs(where, type, SetAttributes.NONE, 0, 0);
      };
    }

    @Override
    public void encode(XdrEncoder out) {
      where.encode(out);
      out.writeInt(type.code);
      switch (type) {
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          AttrCodec.writeSattr(out, attributes);
          out.writeInt(major).writeInt(minor);
        }
        case SOCKET, FIFO -> AttrCodec.writeSattr(out, attributes);
        case REGULAR, DIRECTORY, SYMLINK -> {}
      }
    }
  }

  /** RENAME3args (§3.3.14). */
  record RenameArgs(DirOpArgs from, DirOpArgs to) implements NfsArgs {
    public static RenameArgs decode(XdrDecoder in) throws XdrException {
      return new RenameArgs(DirOpArgs.decode(in), DirOpArgs.decode(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      from.encode(out);
      to.encode(out);
    }
  }

  /** LINK3args (§3.3.15). */
  record LinkArgs(byte[] file, DirOpArgs link) implements NfsArgs {
    public static LinkArgs decode(XdrDecoder in) throws XdrException {
      return new LinkArgs(readHandle(in), DirOpArgs.decode(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(file);
      link.encode(out);
    }
  }

  /** READDIR3args (§3.3.16). */
  record ReadDirArgs(byte[] dir, long cookie, long cookieVerifier, int count) implements NfsArgs {
    public static ReadDirArgs decode(XdrDecoder in) throws XdrException {
      return new ReadDirArgs(readHandle(in), in.readLong(), in.readLong(), readCount(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(dir).writeLong(cookie).writeLong(cookieVerifier).writeInt(count);
    }
  }

  /** READDIRPLUS3args (§3.3.17). */
  record ReadDirPlusArgs(byte[] dir, long cookie, long cookieVerifier, int dirCount, int maxCount)
      implements NfsArgs {
    public static ReadDirPlusArgs decode(XdrDecoder in) throws XdrException {
      return new ReadDirPlusArgs(
          readHandle(in), in.readLong(), in.readLong(), readCount(in), readCount(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(dir).writeLong(cookie).writeLong(cookieVerifier);
      out.writeInt(dirCount).writeInt(maxCount);
    }
  }

  /** COMMIT3args (§3.3.21). */
  record CommitArgs(byte[] handle, long offset, int count) implements NfsArgs {
    public static CommitArgs decode(XdrDecoder in) throws XdrException {
      return new CommitArgs(readHandle(in), in.readLong(), readCount(in));
    }

    @Override
    public void encode(XdrEncoder out) {
      out.writeOpaque(handle).writeLong(offset).writeInt(count);
    }
  }
}
