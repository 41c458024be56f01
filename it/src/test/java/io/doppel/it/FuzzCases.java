package io.doppel.it;

import io.doppel.it.client.AuthSys;
import io.doppel.it.client.Nfs3;
import io.doppel.it.client.Nfs3Client;
import io.doppel.it.client.RpcConnection;
import io.doppel.it.client.XdrOut;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Generates hostile ONC RPC records for {@link RpcFuzzIT}: valid NFS/MOUNT calls (seeds) with
 * flipped bytes, truncated bodies, hostile XDR lengths, and random garbage. Every record's mark
 * matches the bytes sent, so the stream stays in sync unless the server closes it.
 */
final class FuzzCases {
  /** One generated record; {@code bytes} includes the record mark. */
  record Case(String kind, byte[] bytes) {}

  private static final int HOSTILE = 0xFFFFFFF0;
  private final List<byte[]> seeds = new ArrayList<>();
  private final RandomGenerator random;
  private int xid = 0x10000000;

  /** Seeds operate only on the fuzz directory {@code dir} and the file {@code file} inside it. */
  FuzzCases(byte[] dir, byte[] file, RandomGenerator random) {
    this.random = random;
    byte[] data = new byte[512];
    random.nextBytes(data);
    seed(Nfs3.NFS_PROGRAM, Nfs3.NULL, new XdrOut());
    seed(Nfs3.NFS_PROGRAM, Nfs3.GETATTR, Nfs3Client.fhArgs(file));
    seed(Nfs3.NFS_PROGRAM, Nfs3.LOOKUP, Nfs3Client.dirop(dir, "target"));
    seed(Nfs3.NFS_PROGRAM, Nfs3.ACCESS, Nfs3Client.fhArgs(file).u32(0x3f));
    seed(Nfs3.NFS_PROGRAM, Nfs3.READ, Nfs3Client.fhArgs(file).u64(0).u32(4096));
    seed(Nfs3.NFS_PROGRAM, Nfs3.WRITE, Nfs3Client.writeArgs(file, 0, data, Nfs3.UNSTABLE));
    seed(Nfs3.NFS_PROGRAM, Nfs3.CREATE, Nfs3Client.createArgs(dir, "c", 0644, false));
    seed(
        Nfs3.NFS_PROGRAM,
        Nfs3.MKDIR,
        Nfs3Client.dirop(dir, "d").bool(false).bool(false).bool(false).bool(false).u32(0).u32(0));
    seed(Nfs3.NFS_PROGRAM, Nfs3.REMOVE, Nfs3Client.dirop(dir, "c"));
    seed(
        Nfs3.NFS_PROGRAM,
        Nfs3.READDIRPLUS,
        Nfs3Client.fhArgs(dir).u64(0).fixed(new byte[8]).u32(4096).u32(32768));
    seed(Nfs3.NFS_PROGRAM, Nfs3.FSSTAT, Nfs3Client.fhArgs(dir));
    seed(Nfs3.NFS_PROGRAM, Nfs3.FSINFO, Nfs3Client.fhArgs(dir));
    seed(Nfs3.NFS_PROGRAM, Nfs3.COMMIT, Nfs3Client.fhArgs(file).u64(0).u32(0));
    seed(Nfs3.MOUNT_PROGRAM, Nfs3.MOUNTPROC_MNT, new XdrOut().string("/data"));
    seed(Nfs3.MOUNT_PROGRAM, 5, new XdrOut());
  }

  private void seed(int prog, int proc, XdrOut args) {
    seeds.add(RpcConnection.callMessage(0, prog, 3, proc, AuthSys.ROOT, args));
  }

  private byte[] seedWithFreshXid() {
    byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
    int x = xid++;
    m[0] = (byte) (x >>> 24);
    m[1] = (byte) (x >>> 16);
    m[2] = (byte) (x >>> 8);
    m[3] = (byte) x;
    return m;
  }

  Case next() {
    int k = random.nextInt(100);
    if (k < 45) {
      return flipped();
    } else if (k < 60) {
      byte[] m = seedWithFreshXid();
      return new Case(
          "truncated", RpcConnection.record(Arrays.copyOf(m, random.nextInt(m.length))));
    } else if (k < 80) {
      return hostileLength();
    } else if (k < 90) {
      return headerAbuse();
    } else if (k < 95) {
      byte[] g = new byte[random.nextInt(1, 2000)];
      random.nextBytes(g);
      return new Case("garbage", RpcConnection.record(g));
    }
    return new Case("valid", RpcConnection.record(seedWithFreshXid()));
  }

  private Case flipped() {
    byte[] m = seedWithFreshXid();
    int flips = random.nextInt(1, 9);
    for (int i = 0; i < flips; i++) {
      // Keep the xid so that replies can be matched; mutate everything after it.
      int at = 4 + random.nextInt(m.length - 4);
      m[at] ^= (byte) random.nextInt(1, 256);
    }
    return new Case("flipped", RpcConnection.record(m));
  }

  /** A 32-bit length field somewhere in the message replaced by a hostile value. */
  private Case hostileLength() {
    byte[] m = seedWithFreshXid();
    int[] values = {HOSTILE, 0x7FFFFFFF, 0xFFFFFFFF, 0x40000000, 65, 0x00100001};
    int v = values[random.nextInt(values.length)];
    int slots = (m.length - 4) / 4;
    int at = 4 + 4 * random.nextInt(slots);
    m[at] = (byte) (v >>> 24);
    m[at + 1] = (byte) (v >>> 16);
    m[at + 2] = (byte) (v >>> 8);
    m[at + 3] = (byte) v;
    return new Case("hostile-length@" + at, RpcConnection.record(m));
  }

  /** Valid-length records that abuse the RPC header itself. */
  private Case headerAbuse() {
    byte[] m = seedWithFreshXid();
    int field = 4 * (1 + random.nextInt(5)); // msg_type, rpcvers, prog, vers, proc
    int[] values = {1, 3, 0, 99, 100004, 0x7FFFFFFF, HOSTILE};
    int v = values[random.nextInt(values.length)];
    m[field] = (byte) (v >>> 24);
    m[field + 1] = (byte) (v >>> 16);
    m[field + 2] = (byte) (v >>> 8);
    m[field + 3] = (byte) v;
    return new Case("header@" + field, RpcConnection.record(m));
  }

  /** Hand-written hostile lengths at known places (RFC 4506 opaque and array counts). */
  List<Case> explicit(byte[] dir, byte[] file) {
    List<Case> out = new ArrayList<>();
    XdrOut write = Nfs3Client.fhArgs(file).u64(0).u32(16).u32(Nfs3.UNSTABLE).u32(HOSTILE);
    out.add(call("write-data-length", Nfs3.WRITE, AuthSys.ROOT, write.u32(0).u32(0)));
    out.add(call("fh-length", Nfs3.GETATTR, AuthSys.ROOT, new XdrOut().u32(HOSTILE).u64(0)));
    out.add(
        call(
            "name-length",
            Nfs3.LOOKUP,
            AuthSys.ROOT,
            Nfs3Client.fhArgs(dir).u32(HOSTILE).u32(0x41414141)));
    out.add(
        call(
            "read-count", Nfs3.READ, AuthSys.ROOT, Nfs3Client.fhArgs(file).u64(0).u32(0xFFFFFFFF)));
    out.add(
        call(
            "readdirplus-maxcount",
            Nfs3.READDIRPLUS,
            AuthSys.ROOT,
            Nfs3Client.fhArgs(dir).u64(0).fixed(new byte[8]).u32(0xFFFFFFFF).u32(0xFFFFFFFF)));
    XdrOut head = new XdrOut().u32(xid++).u32(0).u32(2).u32(Nfs3.NFS_PROGRAM).u32(3).u32(1);
    out.add(
        new Case(
            "cred-length",
            RpcConnection.record(head.u32(1).u32(HOSTILE).u32(0).u32(0).toByteArray())));
    XdrOut gids = new XdrOut().u32(xid++).u32(0).u32(2).u32(Nfs3.NFS_PROGRAM).u32(3).u32(1);
    gids.u32(1).u32(24).u32(0).u32(0).u32(0).u32(0).u32(HOSTILE).u32(0);
    out.add(new Case("gids-count", RpcConnection.record(gids.u32(0).u32(0).toByteArray())));
    out.add(new Case("empty-record", RpcConnection.record(new byte[0])));
    out.add(new Case("three-bytes", RpcConnection.record(new byte[] {1, 2, 3})));
    return out;
  }

  private Case call(String kind, int proc, AuthSys cred, XdrOut args) {
    return new Case(
        kind,
        RpcConnection.record(
            RpcConnection.callMessage(xid++, Nfs3.NFS_PROGRAM, 3, proc, cred, args)));
  }

  /** Multi-fragment version of a valid call: the server must reassemble it. */
  byte[] fragmented() {
    byte[] m = seedWithFreshXid();
    XdrOut out = new XdrOut();
    int pos = 0;
    while (pos < m.length) {
      int n = Math.min(m.length - pos, 1 + random.nextInt(16));
      boolean last = pos + n == m.length;
      out.u32((last ? 0x80000000 : 0) | n).raw(m, pos, n);
      pos += n;
    }
    return out.toByteArray();
  }
}
