package io.doppel.it.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small blocking NFSv3 + MOUNTv3 client (RFC 1813) on one TCP connection, with a chosen AUTH_SYS
 * identity. Argument encoders and reply decoders are static so that benchmarks can pipeline.
 */
public final class Nfs3Client implements AutoCloseable {
  private final RpcConnection conn;
  private final AuthSys cred;
  private final boolean owner;

  private Nfs3Client(RpcConnection conn, AuthSys cred, boolean owner) {
    this.conn = conn;
    this.cred = cred;
    this.owner = owner;
  }

  public static Nfs3Client connect(InetSocketAddress server) throws IOException {
    return new Nfs3Client(
        RpcConnection.connect(server, Duration.ofSeconds(60)), AuthSys.ROOT, true);
  }

  /** The same connection, speaking as another user. */
  public Nfs3Client as(AuthSys other) {
    return new Nfs3Client(conn, other, false);
  }

  public RpcConnection connection() {
    return conn;
  }

  /** One entry of READDIRPLUS. */
  public record Entry(long fileid, String name, long cookie, Fattr attr, byte[] fh) {}

  /** One READDIRPLUS page. */
  public record DirPage(List<Entry> entries, byte[] cookieverf, boolean eof) {}

  /** A file handle plus (optional) attributes, as returned by LOOKUP/CREATE/MKDIR/SYMLINK. */
  public record Obj(byte[] fh, Fattr attr) {}

  /** WRITE result. */
  public record Written(int count, int committed, byte[] verf) {}

  /** READ result. */
  public record Data(byte[] data, boolean eof) {}

  private XdrIn call(int prog, int proc, XdrOut args) throws IOException {
    RpcReply r = conn.call(prog, 3, proc, cred, args);
    if (r.acceptStat() != RpcReply.SUCCESS) {
      throw new RpcCallException("procedure " + proc + " of program " + prog, r);
    }
    return r.body();
  }

  public void nullCall() throws IOException {
    call(Nfs3.NFS_PROGRAM, Nfs3.NULL, new XdrOut());
  }

  /** MOUNTPROC3_MNT: status is a mountstat3; value the root handle. */
  public NfsResult<byte[]> mount(String path) throws IOException {
    XdrIn x = call(Nfs3.MOUNT_PROGRAM, Nfs3.MOUNTPROC_MNT, new XdrOut().string(path));
    int st = x.u32();
    if (st != 0) {
      return new NfsResult<>(st, null);
    }
    byte[] fh = x.opaque(64);
    int n = x.u32();
    for (int i = 0; i < n && i < 64; i++) {
      x.u32();
    }
    return new NfsResult<>(st, fh);
  }

  // ---- argument encoders ----

  public static XdrOut fhArgs(byte[] fh) {
    return new XdrOut().opaque(fh);
  }

  public static XdrOut dirop(byte[] dir, String name) {
    return new XdrOut().opaque(dir).string(name);
  }

  /** sattr3 with only the mode set (or nothing when mode &lt; 0). */
  static XdrOut sattrMode(XdrOut o, int mode) {
    if (mode >= 0) {
      o.bool(true).u32(mode);
    } else {
      o.bool(false);
    }
    return o.bool(false).bool(false).bool(false).u32(0).u32(0);
  }

  /** CREATE3args with UNCHECKED (guarded=false) or GUARDED mode and the given file mode. */
  public static XdrOut createArgs(byte[] dir, String name, int mode, boolean guarded) {
    return sattrMode(dirop(dir, name).u32(guarded ? 1 : 0), mode);
  }

  public static XdrOut writeArgs(byte[] fh, long off, byte[] data, int stable) {
    return new XdrOut().opaque(fh).u64(off).u32(data.length).u32(stable).opaque(data);
  }

  // ---- reply decoders ----

  public static NfsResult<Fattr> parseGetattr(XdrIn x) throws IOException {
    int st = x.u32();
    return new NfsResult<>(st, st == 0 ? Fattr.decode(x) : null);
  }

  /** CREATE, MKDIR, SYMLINK replies: post_op_fh3, post_op_attr, wcc_data. */
  public static NfsResult<Obj> parseCreated(XdrIn x) throws IOException {
    int st = x.u32();
    if (st != 0) {
      return new NfsResult<>(st, null);
    }
    byte[] fh = x.bool() ? x.opaque(64) : null;
    Fattr a = Fattr.postOp(x);
    Fattr.wcc(x);
    return new NfsResult<>(st, new Obj(fh, a));
  }

  public static NfsResult<Written> parseWrite(XdrIn x) throws IOException {
    int st = x.u32();
    Fattr.wcc(x);
    if (st != 0) {
      return new NfsResult<>(st, null);
    }
    return new NfsResult<>(st, new Written(x.u32(), x.u32(), x.fixed(8)));
  }

  // ---- procedures ----

  public NfsResult<Fattr> getattr(byte[] fh) throws IOException {
    return parseGetattr(call(Nfs3.NFS_PROGRAM, Nfs3.GETATTR, fhArgs(fh)));
  }

  /** SETATTR of mode and/or size (negative = leave alone). */
  public NfsResult<Fattr> setattr(byte[] fh, int mode, long size) throws IOException {
    XdrOut o = fhArgs(fh);
    if (mode >= 0) {
      o.bool(true).u32(mode);
    } else {
      o.bool(false);
    }
    o.bool(false).bool(false);
    if (size >= 0) {
      o.bool(true).u64(size);
    } else {
      o.bool(false);
    }
    o.u32(0).u32(0).bool(false);
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.SETATTR, o);
    int st = x.u32();
    return new NfsResult<>(st, Fattr.wcc(x));
  }

  public NfsResult<Obj> lookup(byte[] dir, String name) throws IOException {
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.LOOKUP, dirop(dir, name));
    int st = x.u32();
    if (st != 0) {
      return new NfsResult<>(st, null);
    }
    byte[] fh = x.opaque(64);
    return new NfsResult<>(st, new Obj(fh, Fattr.postOp(x)));
  }

  public NfsResult<Obj> create(byte[] dir, String name, int mode) throws IOException {
    return parseCreated(call(Nfs3.NFS_PROGRAM, Nfs3.CREATE, createArgs(dir, name, mode, false)));
  }

  public NfsResult<Obj> createGuarded(byte[] dir, String name, int mode) throws IOException {
    return parseCreated(call(Nfs3.NFS_PROGRAM, Nfs3.CREATE, createArgs(dir, name, mode, true)));
  }

  public NfsResult<Obj> mkdir(byte[] dir, String name, int mode) throws IOException {
    return parseCreated(call(Nfs3.NFS_PROGRAM, Nfs3.MKDIR, sattrMode(dirop(dir, name), mode)));
  }

  public NfsResult<Obj> symlink(byte[] dir, String name, String target) throws IOException {
    XdrOut o = sattrMode(dirop(dir, name), 0777).string(target);
    return parseCreated(call(Nfs3.NFS_PROGRAM, Nfs3.SYMLINK, o));
  }

  public NfsResult<String> readlink(byte[] fh) throws IOException {
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.READLINK, fhArgs(fh));
    int st = x.u32();
    Fattr.postOp(x);
    return new NfsResult<>(st, st == 0 ? x.string(4096) : null);
  }

  public NfsResult<Written> write(byte[] fh, long off, byte[] data, int stable) throws IOException {
    return parseWrite(call(Nfs3.NFS_PROGRAM, Nfs3.WRITE, writeArgs(fh, off, data, stable)));
  }

  /** COMMIT; value is the write verifier. */
  public NfsResult<byte[]> commit(byte[] fh, long off, int count) throws IOException {
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.COMMIT, fhArgs(fh).u64(off).u32(count));
    int st = x.u32();
    Fattr.wcc(x);
    return new NfsResult<>(st, st == 0 ? x.fixed(8) : null);
  }

  public NfsResult<Data> read(byte[] fh, long off, int count) throws IOException {
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.READ, fhArgs(fh).u64(off).u32(count));
    int st = x.u32();
    Fattr.postOp(x);
    if (st != 0) {
      return new NfsResult<>(st, null);
    }
    int n = x.u32();
    boolean eof = x.bool();
    byte[] data = x.opaque(64 << 20);
    if (data.length != n) {
      throw new IOException("READ count " + n + " != data length " + data.length);
    }
    return new NfsResult<>(st, new Data(data, eof));
  }

  /** Reads a whole file in 1 MiB READs until EOF. */
  public byte[] readAll(byte[] fh) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 1_000_000; i++) {
      Data d = read(fh, all.size(), 1 << 20).orThrow();
      all.write(d.data());
      if (d.eof() || d.data().length == 0) {
        return all.toByteArray();
      }
    }
    throw new IOException("READ never reached EOF");
  }

  public int remove(byte[] dir, String name) throws IOException {
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.REMOVE, dirop(dir, name));
    return x.u32();
  }

  public int rmdir(byte[] dir, String name) throws IOException {
    return call(Nfs3.NFS_PROGRAM, Nfs3.RMDIR, dirop(dir, name)).u32();
  }

  public int rename(byte[] fromDir, String from, byte[] toDir, String to) throws IOException {
    XdrOut o = dirop(fromDir, from).opaque(toDir).string(to);
    return call(Nfs3.NFS_PROGRAM, Nfs3.RENAME, o).u32();
  }

  public int link(byte[] file, byte[] dir, String name) throws IOException {
    return call(Nfs3.NFS_PROGRAM, Nfs3.LINK, fhArgs(file).opaque(dir).string(name)).u32();
  }

  public NfsResult<DirPage> readdirplus(byte[] dir, long cookie, byte[] verf, int maxcount)
      throws IOException {
    XdrOut o = fhArgs(dir).u64(cookie).fixed(verf).u32(maxcount / 4).u32(maxcount);
    XdrIn x = call(Nfs3.NFS_PROGRAM, Nfs3.READDIRPLUS, o);
    int st = x.u32();
    Fattr.postOp(x);
    if (st != 0) {
      return new NfsResult<>(st, null);
    }
    byte[] cv = x.fixed(8);
    List<Entry> entries = new ArrayList<>();
    while (x.bool()) {
      long fileid = x.u64();
      String name = x.string(4096);
      long ck = x.u64();
      Fattr a = Fattr.postOp(x);
      byte[] fh = x.bool() ? x.opaque(64) : null;
      entries.add(new Entry(fileid, name, ck, a, fh));
    }
    return new NfsResult<>(st, new DirPage(entries, cv, x.bool()));
  }

  /** All entries of a directory (including "." and ".." when the server returns them). */
  public List<Entry> listAll(byte[] dir) throws IOException {
    List<Entry> all = new ArrayList<>();
    long cookie = 0;
    byte[] verf = new byte[8];
    for (int pages = 0; pages < 100_000; pages++) {
      DirPage p = readdirplus(dir, cookie, verf, 32768).orThrow();
      all.addAll(p.entries());
      if (p.eof()) {
        return all;
      }
      if (p.entries().isEmpty()) {
        throw new IOException("READDIRPLUS returned no entries and eof=false");
      }
      cookie = p.entries().get(p.entries().size() - 1).cookie();
      verf = p.cookieverf();
    }
    throw new IOException("READDIRPLUS never reached eof");
  }

  /**
   * Creates {@code prefix0..prefix(n-1)} in {@code dir}, pipelining up to {@code window} CREATEs.
   */
  public List<byte[]> createMany(byte[] dir, String prefix, int n, int window) throws IOException {
    java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
    byte[][] fhs = new byte[n][];
    int sent = 0;
    for (int done = 0; done < n; done++) {
      while (index.size() < window && sent < n) {
        XdrOut args = createArgs(dir, prefix + sent, 0644, false);
        index.put(conn.send(Nfs3.NFS_PROGRAM, 3, Nfs3.CREATE, cred, args), sent++);
      }
      RpcReply r = conn.receive();
      Integer i = index.remove(r.xid());
      if (i == null || r.acceptStat() != RpcReply.SUCCESS) {
        throw new RpcCallException("pipelined CREATE", r);
      }
      NfsResult<Obj> res = parseCreated(r.body());
      if (!res.ok()) {
        throw new IOException("CREATE " + prefix + i + ": " + res);
      }
      fhs[i] = res.value().fh();
    }
    return java.util.Arrays.asList(fhs);
  }

  @Override
  public void close() throws IOException {
    if (owner) {
      conn.close();
    }
  }
}
