package io.doppel.nfs.wire;

import io.doppel.fs.Attributes;
import io.doppel.fs.FileType;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.TimeChange;
import io.doppel.fs.Wcc;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * XDR of the attribute types shared by many procedures (RFC 1813 §2.5–2.6): nfstime3, fattr3,
 * post_op_attr, wcc_attr/pre_op_attr, wcc_data and sattr3.
 */
public final class AttrCodec {
  /** Encoded size of fattr3. */
  public static final int FATTR3_BYTES = 84;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private AttrCodec() {}

  /** nfstime3: seconds and nanoseconds, both uint32. */
  public static void writeTime(XdrEncoder out, long nanos) {
    out.writeUnsignedInt(Math.floorDiv(nanos, NANOS_PER_SECOND));
    out.writeUnsignedInt(Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  public static long readTime(XdrDecoder in) throws XdrException {
    long seconds = in.readUnsignedInt();
    long nanos = in.readUnsignedInt();
    if (nanos >= NANOS_PER_SECOND) {
      throw new XdrException("nfstime3 nseconds " + nanos + " >= 10^9");
    }
    return seconds * NANOS_PER_SECOND + nanos;
  }

  /** fattr3; {@code fsid} is the export id so clients see one filesystem per export. */
  public static void writeFattr(XdrEncoder out, Attributes a, int exportId) {
    out.writeInt(a.type().code).writeInt(a.mode() & 07777).writeInt(a.nlink());
    out.writeInt(a.uid()).writeInt(a.gid());
    out.writeLong(a.size()).writeLong(a.usedBytes());
    out.writeInt(a.rdevMajor()).writeInt(a.rdevMinor());
    out.writeLong(Integer.toUnsignedLong(exportId)).writeLong(a.fileId());
    writeTime(out, a.atimeNanos());
    writeTime(out, a.mtimeNanos());
    writeTime(out, a.ctimeNanos());
  }

  /** Decodes fattr3 (the fsid is dropped; generation is unknown on the wire and set to 0). */
  public static Attributes readFattr(XdrDecoder in) throws XdrException {
    FileType type = fileType(in.readInt());
    int mode = in.readInt();
    int nlink = in.readInt();
    int uid = in.readInt();
    int gid = in.readInt();
    long size = in.readLong();
    long used = in.readLong();
    int major = in.readInt();
    int minor = in.readInt();
    in.readLong(); // fsid
    long fileId = in.readLong();
    long atime = readTime(in);
    long mtime = readTime(in);
    long ctime = readTime(in);
    return new Attributes(
        type, mode, nlink, uid, gid, size, used, major, minor, fileId, 0, atime, mtime, ctime);
  }

  public static FileType fileType(int code) throws XdrException {
    if (code < 1 || code > 7) {
      throw new XdrException("ftype3 " + code + " out of range");
    }
    return FileType.ofCode(code);
  }

  /** post_op_attr: absent when {@code a} is null. */
  public static void writePostOp(XdrEncoder out, Attributes a, int exportId) {
    out.writeBoolean(a != null);
    if (a != null) {
      writeFattr(out, a, exportId);
    }
  }

  public static Attributes readPostOp(XdrDecoder in) throws XdrException {
    return in.readBoolean() ? readFattr(in) : null;
  }

  /** wcc_data: pre_op_attr then post_op_attr; a null wcc is both absent. */
  public static void writeWcc(XdrEncoder out, Wcc wcc, int exportId) {
    Wcc.PreAttributes before = wcc == null ? null : wcc.before();
    out.writeBoolean(before != null);
    if (before != null) {
      out.writeLong(before.size());
      writeTime(out, before.mtimeNanos());
      writeTime(out, before.ctimeNanos());
    }
    writePostOp(out, wcc == null ? null : wcc.after(), exportId);
  }

  public static Wcc readWcc(XdrDecoder in) throws XdrException {
    Wcc.PreAttributes before = null;
    if (in.readBoolean()) {
      before = new Wcc.PreAttributes(in.readLong(), readTime(in), readTime(in));
    }
    return new Wcc(before, readPostOp(in));
  }

  /** sattr3 (RFC 1813 §2.6). */
  public static SetAttributes readSattr(XdrDecoder in) throws XdrException {
    OptionalInt mode =
        in.readBoolean() ? OptionalInt.of(in.readInt() & 07777) : OptionalInt.empty();
    OptionalInt uid = in.readBoolean() ? OptionalInt.of(in.readInt()) : OptionalInt.empty();
    OptionalInt gid = in.readBoolean() ? OptionalInt.of(in.readInt()) : OptionalInt.empty();
    OptionalLong size = in.readBoolean() ? OptionalLong.of(in.readLong()) : OptionalLong.empty();
    TimeChange atime = readTimeHow(in);
    TimeChange mtime = readTimeHow(in);
    return new SetAttributes(mode, uid, gid, size, atime, mtime);
  }

  private static TimeChange readTimeHow(XdrDecoder in) throws XdrException {
    int how = in.readInt();
    return switch (how) {
      case 0 -> TimeChange.KEEP;
      case 1 -> new TimeChange.ServerTime();
      case 2 -> new TimeChange.ClientTime(readTime(in));
      default -> throw new XdrException("time_how " + how + " out of range");
    };
  }

  public static void writeSattr(XdrEncoder out, SetAttributes s) {
    out.writeBoolean(s.mode().isPresent());
    s.mode().ifPresent(out::writeInt);
    out.writeBoolean(s.uid().isPresent());
    s.uid().ifPresent(out::writeInt);
    out.writeBoolean(s.gid().isPresent());
    s.gid().ifPresent(out::writeInt);
    out.writeBoolean(s.size().isPresent());
    s.size().ifPresent(out::writeLong);
    writeTimeHow(out, s.atime());
    writeTimeHow(out, s.mtime());
  }

  private static void writeTimeHow(XdrEncoder out, TimeChange t) {
    switch (t) {
      case TimeChange.Keep k -> out.writeInt(0);
      case TimeChange.ServerTime s -> out.writeInt(1);
      case TimeChange.ClientTime c -> {
        out.writeInt(2);
        writeTime(out, c.nanos());
      }
    }
  }
}
