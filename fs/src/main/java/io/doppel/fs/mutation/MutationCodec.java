package io.doppel.fs.mutation;

import io.doppel.fs.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link Mutation}: the mutation log's record format and the future
 * replication wire format.
 *
 * <p>Layout (big-endian): {@code u8 version (1) | u8 kind | fields | u32 crc32c} where the checksum
 * covers every byte before it. Strings are {@code u16 length | UTF-8}; byte arrays are {@code u32
 * length | bytes}. Lengths are checked against what remains before anything is allocated, so
 * hostile input costs nothing.
 *
 * <p>The mutation log stores a WRITE <em>by reference</em> ({@link #encodeLogRecord}: kind 9,
 * {@code fileid | offset | u32 length | time}, no payload): the bytes are already in the data file,
 * and copying them through RocksDB's WAL, memtable and compactions tripled the data written. {@link
 * #decodeLogRecord} reads the payload back from the data file as it is <em>now</em>; why a replica
 * fed such records still converges is explained in docs/storage-engine.md. The replication wire
 * form ({@link #encode}) always carries the payload, and {@link #decode} refuses references.
 */
public final class MutationCodec {
  public static final int VERSION = 1;
  private static final int MAX_STRING_BYTES = 8192;

  private static final int CREATE_ROOT = 1;
  private static final int CREATE = 2;
  private static final int SET_ATTRIBUTES = 3;
  private static final int WRITE = 4;
  private static final int REMOVE = 5;
  private static final int REMOVE_DIRECTORY = 6;
  private static final int RENAME = 7;
  private static final int LINK = 8;
  private static final int WRITE_REFERENCE = 9;

  /** Length of an encoded WRITE reference: version, kind, fileid, offset, length, time, crc. */
  private static final int WRITE_REFERENCE_BYTES = 1 + 1 + 8 + 8 + 4 + 8 + 4;

  /** Where {@link #decodeLogRecord} gets the payload of a WRITE recorded by reference. */
  @FunctionalInterface
  public interface PayloadSource {
    /** {@code length} bytes of the file at {@code offset}, zeros where the file has none. */
    byte[] read(long fileId, long offset, int length) throws IOException;
  }

  private MutationCodec() {}

  public static byte[] encode(Mutation m) {
    Out out = new Out(m instanceof Mutation.Write w ? w.length() + 64 : 128);
    out.u8(VERSION);
    switch (m) {
      case Mutation.CreateRoot r -> {
        out.u8(CREATE_ROOT);
        out.i64(r.fileId());
        out.i32(r.generation());
        out.i64(r.timeNanos());
      }
      case Mutation.Create c -> encodeCreate(out, c);
      case Mutation.SetAttributes s -> {
        out.u8(SET_ATTRIBUTES);
        out.i64(s.fileId());
        out.i32(s.mode());
        out.i32(s.uid());
        out.i32(s.gid());
        out.i64(s.size());
        out.i64(s.atimeNanos());
        out.i64(s.mtimeNanos());
        out.i64(s.ctimeNanos());
      }
      case Mutation.Write w -> {
        out.u8(WRITE);
        out.i64(w.fileId());
        out.i64(w.offset());
        out.i64(w.timeNanos());
        out.bytes(w.data());
      }
      case Mutation.Remove r -> encodeUnlink(out, REMOVE, r.directory(), r.name(), r.timeNanos());
      case Mutation.RemoveDirectory r ->
          encodeUnlink(out, REMOVE_DIRECTORY, r.directory(), r.name(), r.timeNanos());
      case Mutation.Rename r -> {
        out.u8(RENAME);
        out.i64(r.fromDirectory());
        out.str(r.fromName());
        out.i64(r.toDirectory());
        out.str(r.toName());
        out.i64(r.cookie());
        out.i64(r.timeNanos());
      }
      case Mutation.Link l -> {
        out.u8(LINK);
        out.i64(l.fileId());
        out.i64(l.directory());
        out.str(l.name());
        out.i64(l.cookie());
        out.i64(l.timeNanos());
      }
    }
    return out.finish();
  }

  /**
   * The mutation log's form: a WRITE by reference (no payload), anything else as {@link #encode}.
   */
  public static byte[] encodeLogRecord(Mutation m) {
    if (!(m instanceof Mutation.Write w)) {
      return encode(m);
    }
    Out out = new Out(WRITE_REFERENCE_BYTES);
    out.u8(VERSION);
    out.u8(WRITE_REFERENCE);
    out.i64(w.fileId());
    out.i64(w.offset());
    out.i32(w.length());
    out.i64(w.timeNanos());
    return out.finish();
  }

  /**
   * The payload bytes a log record stands for beyond its own length: a WRITE reference's length,
   * else 0. Reads only the header (no checksum check), for the log's size accounting.
   */
  public static int referencedBytes(byte[] record) {
    if (record.length != WRITE_REFERENCE_BYTES || record[1] != WRITE_REFERENCE) {
      return 0;
    }
    return Math.max(0, ByteBuffer.wrap(record, 2 + 8 + 8, 4).getInt());
  }

  /** Decodes a log record, reading a WRITE reference's payload from {@code payloads}. */
  public static Mutation decodeLogRecord(byte[] bytes, PayloadSource payloads)
      throws CorruptMutationException, IOException {
    In in = open(bytes);
    int kind = in.u8();
    if (kind != WRITE_REFERENCE) {
      return finish(in, decodeBody(in, kind));
    }
    long fileId = in.i64();
    long offset = in.i64();
    int length = in.i32();
    long time = in.i64();
    if (length < 0) {
      throw new CorruptMutationException("negative write reference");
    }
    finish(in, null);
    return new Mutation.Write(fileId, offset, payloads.read(fileId, offset, length), time);
  }

  private static void encodeCreate(Out out, Mutation.Create c) {
    out.u8(CREATE);
    out.i64(c.directory());
    out.str(c.name());
    out.i64(c.cookie());
    out.u8(c.type().code);
    out.i64(c.fileId());
    out.i32(c.generation());
    out.i32(c.mode());
    out.i32(c.uid());
    out.i32(c.gid());
    out.i64(c.size());
    out.i32(c.rdevMajor());
    out.i32(c.rdevMinor());
    out.str(c.symlinkTarget());
    out.u8(c.verifier().isPresent() ? 1 : 0);
    out.i64(c.verifier().orElse(0));
    out.i64(c.atimeNanos());
    out.i64(c.mtimeNanos());
    out.i64(c.timeNanos());
  }

  private static void encodeUnlink(Out out, int kind, long directory, String name, long time) {
    out.u8(kind);
    out.i64(directory);
    out.str(name);
    out.i64(time);
  }

  public static Mutation decode(byte[] bytes) throws CorruptMutationException {
    In in = open(bytes);
    return finish(in, decodeBody(in, in.u8()));
  }

  /** Checks length, checksum and version; the reader stands at the kind byte. */
  private static In open(byte[] bytes) throws CorruptMutationException {
    if (bytes.length < 6) {
      throw new CorruptMutationException("mutation too short: " + bytes.length + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptMutationException("mutation checksum mismatch");
    }
    In in = new In(ByteBuffer.wrap(bytes, 0, bytes.length - 4));
    int version = in.u8();
    if (version != VERSION) {
      throw new CorruptMutationException("unknown mutation version " + version);
    }
    return in;
  }

  private static Mutation finish(In in, Mutation m) throws CorruptMutationException {
    if (in.buf.hasRemaining()) {
      throw new CorruptMutationException("trailing bytes after mutation");
    }
    return m;
  }

  private static Mutation decodeBody(In in, int kind) throws CorruptMutationException {
    return switch (kind) {
      case CREATE_ROOT -> new Mutation.CreateRoot(in.i64(), in.i32(), in.i64());
      case CREATE -> decodeCreate(in);
      case SET_ATTRIBUTES ->
          new Mutation.SetAttributes(
              in.i64(), in.i32(), in.i32(), in.i32(), in.i64(), in.i64(), in.i64(), in.i64());
      case WRITE -> {
        long fileId = in.i64();
        long offset = in.i64();
        long time = in.i64();
        yield new Mutation.Write(fileId, offset, in.bytes(), time);
      }
      case REMOVE -> new Mutation.Remove(in.i64(), in.str(), in.i64());
      case REMOVE_DIRECTORY -> new Mutation.RemoveDirectory(in.i64(), in.str(), in.i64());
      case RENAME ->
          new Mutation.Rename(in.i64(), in.str(), in.i64(), in.str(), in.i64(), in.i64());
      case LINK -> new Mutation.Link(in.i64(), in.i64(), in.str(), in.i64(), in.i64());
      default -> throw new CorruptMutationException("unknown mutation kind " + kind);
    };
  }

  private static Mutation decodeCreate(In in) throws CorruptMutationException {
    long directory = in.i64();
    String name = in.str();
    long cookie = in.i64();
    int typeCode = in.u8();
    FileType type;
    try {
      type = FileType.ofCode(typeCode);
    } catch (IllegalArgumentException e) {
      throw new CorruptMutationException("unknown file type " + typeCode);
    }
    long fileId = in.i64();
    int generation = in.i32();
    int mode = in.i32();
    int uid = in.i32();
    int gid = in.i32();
    long size = in.i64();
    int major = in.i32();
    int minor = in.i32();
    String target = in.str();
    boolean hasVerifier = in.u8() != 0;
    long verifier = in.i64();
    return new Mutation.Create(
        directory,
        name,
        cookie,
        type,
        fileId,
        generation,
        mode,
        uid,
        gid,
        size,
        major,
        minor,
        target,
        hasVerifier ? OptionalLong.of(verifier) : OptionalLong.empty(),
        in.i64(),
        in.i64(),
        in.i64());
  }

  /** A growable big-endian writer. */
  private static final class Out {
    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    void u8(int v) {
      ensure(1);
      buf[len++] = (byte) v;
    }

    void i32(int v) {
      ensure(4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        buf[len++] = (byte) (v >>> shift);
      }
    }

    void i64(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[len++] = (byte) (v >>> shift);
      }
    }

    void str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length > MAX_STRING_BYTES) {
        throw new IllegalArgumentException("string too long for a mutation: " + b.length);
      }
      ensure(2 + b.length);
      buf[len++] = (byte) (b.length >>> 8);
      buf[len++] = (byte) b.length;
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    void bytes(byte[] b) {
      i32(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    byte[] finish() {
      CRC32C crc = new CRC32C();
      crc.update(buf, 0, len);
      i32((int) crc.getValue());
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }
  }

  /** A reader that refuses to read past the end. */
  private record In(ByteBuffer buf) {
    private void need(int n) throws CorruptMutationException {
      if (n < 0 || buf.remaining() < n) {
        throw new CorruptMutationException("mutation truncated");
      }
    }

    int u8() throws CorruptMutationException {
      need(1);
      return buf.get() & 0xff;
    }

    int i32() throws CorruptMutationException {
      need(4);
      return buf.getInt();
    }

    long i64() throws CorruptMutationException {
      need(8);
      return buf.getLong();
    }

    String str() throws CorruptMutationException {
      need(2);
      int n = buf.getShort() & 0xffff;
      need(n);
      byte[] b = new byte[n];
      buf.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    byte[] bytes() throws CorruptMutationException {
      int n = i32();
      need(n);
      byte[] b = new byte[n];
      buf.get(b);
      return b;
    }
  }
}
