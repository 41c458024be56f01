package io.doppel.bench;

import io.doppel.it.client.AuthSys;
import io.doppel.it.client.Fattr;
import io.doppel.it.client.Nfs3;
import io.doppel.it.client.Nfs3Client;
import io.doppel.it.client.NfsResult;
import io.doppel.it.client.RpcConnection;
import io.doppel.it.client.RpcReply;
import io.doppel.it.client.XdrOut;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata benchmark driver speaking NFSv3 over TCP (RFC 1813), so that the server, not process
 * start-up, is measured. Usage:
 *
 * <pre>
 *   create  HOST NFSPORT MNTPORT EXPORT DIR COUNT BYTES WINDOW   MKDIR DIR, COUNT x (CREATE + WRITE)
 *   getattr HOST NFSPORT MNTPORT EXPORT DIR COUNT WINDOW         COUNT GETATTRs over DIR's files
 *                                                                (after 2000 untimed ones)
 *   rm      HOST NFSPORT MNTPORT EXPORT NAME                     REMOVE NAME from the export root
 * </pre>
 *
 * DIR "-" means the export root. Prints {@code seconds=S ops=N}. Every loop is bounded by count and by a 600 s deadline.
 */
public final class NfsBenchDriver {
  private static final long DEADLINE_NANOS = Duration.ofSeconds(600).toNanos();

  private NfsBenchDriver() {}

  public static void main(String[] a) throws Exception {
    String host = a[1];
    InetSocketAddress nfs = new InetSocketAddress(host, Integer.parseInt(a[2]));
    InetSocketAddress mnt = new InetSocketAddress(host, Integer.parseInt(a[3]));
    byte[] root;
    try (Nfs3Client m = Nfs3Client.connect(mnt)) {
      root = m.mount(a[4]).orThrow();
    }
    try (Nfs3Client c = Nfs3Client.connect(nfs)) {
      switch (a[0]) {
        case "create" ->
            create(c, root, a[5], Integer.parseInt(a[6]), Integer.parseInt(a[7]), win(a[8]));
        case "getattr" -> getattr(c, root, a[5], Integer.parseInt(a[6]), win(a[7]));
        case "rm" -> {
          int st = c.remove(root, a[5]);
          if (st != Nfs3.OK && st != Nfs3.ERR_NOENT) {
            throw new IOException("REMOVE " + a[5] + ": " + Nfs3.statusName(st));
          }
        }
        default -> throw new IllegalArgumentException("unknown command " + a[0]);
      }
    }
  }

  private static int win(String s) {
    return Math.max(1, Math.min(256, Integer.parseInt(s)));
  }

  private static void create(Nfs3Client c, byte[] root, String dir, int count, int bytes, int w)
      throws IOException {
    byte[] dfh = root;
    if (!dir.equals("-")) {
      NfsResult<Nfs3Client.Obj> md = c.mkdir(root, dir, 0755);
      dfh = md.ok() ? md.value().fh() : c.lookup(root, dir).orThrow().fh();
    }
    byte[] payload = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      payload[i] = (byte) ('a' + i % 26);
    }
    RpcConnection conn = c.connection();
    ArrayDeque<byte[]> pendingWrites = new ArrayDeque<>();
    Map<Integer, Integer> kinds = new HashMap<>();
    int nextFile = 0;
    int done = 0;
    long t0 = System.nanoTime();
    while (done < count) {
      check(t0);
      while (kinds.size() < w && (!pendingWrites.isEmpty() || nextFile < count)) {
        if (!pendingWrites.isEmpty()) {
          XdrOut args = Nfs3Client.writeArgs(pendingWrites.poll(), 0, payload, Nfs3.UNSTABLE);
          kinds.put(conn.send(Nfs3.NFS_PROGRAM, 3, Nfs3.WRITE, AuthSys.ROOT, args), Nfs3.WRITE);
        } else {
          XdrOut args = Nfs3Client.createArgs(dfh, "f" + nextFile++, 0644, false);
          kinds.put(conn.send(Nfs3.NFS_PROGRAM, 3, Nfs3.CREATE, AuthSys.ROOT, args), Nfs3.CREATE);
        }
      }
      RpcReply r = accepted(conn.receive());
      Integer kind = kinds.remove(r.xid());
      if (kind == null) {
        throw new IOException("unexpected reply xid " + r.xid());
      }
      if (kind == Nfs3.CREATE) {
        Nfs3Client.Obj o = Nfs3Client.parseCreated(r.body()).orThrow();
        if (bytes > 0) {
          pendingWrites.add(o.fh());
        } else {
          done++;
        }
      } else {
        Nfs3Client.parseWrite(r.body()).orThrow();
        done++;
      }
    }
    report(t0, count);
  }

  private static void getattr(Nfs3Client c, byte[] root, String dir, int count, int w)
      throws IOException {
    byte[] dfh = dir.equals("-") ? root : c.lookup(root, dir).orThrow().fh();
    List<byte[]> fhs = new ArrayList<>();
    for (Nfs3Client.Entry e : c.listAll(dfh)) {
      if (e.fh() != null && !e.name().equals(".") && !e.name().equals("..")) {
        fhs.add(e.fh());
      }
    }
    if (fhs.isEmpty()) {
      fhs.add(dfh);
    }
    RpcConnection conn = c.connection();
    for (int i = 0; i < Math.min(count, 2000); i++) {
      c.getattr(fhs.get(i % fhs.size())).orThrow(); // untimed: let the driver's JIT warm up
    }
    int sent = 0;
    int done = 0;
    int outstanding = 0;
    long t0 = System.nanoTime();
    while (done < count) {
      check(t0);
      while (outstanding < w && sent < count) {
        byte[] fh = fhs.get(sent++ % fhs.size());
        conn.send(Nfs3.NFS_PROGRAM, 3, Nfs3.GETATTR, AuthSys.ROOT, Nfs3Client.fhArgs(fh));
        outstanding++;
      }
      Fattr f = Nfs3Client.parseGetattr(accepted(conn.receive()).body()).orThrow();
      if (f.fileid() == 0 && f.type() == 0) {
        throw new IOException("GETATTR returned empty attributes");
      }
      outstanding--;
      done++;
    }
    report(t0, count);
  }

  private static RpcReply accepted(RpcReply r) throws IOException {
    if (r.acceptStat() != RpcReply.SUCCESS) {
      throw new IOException("call not accepted: " + r);
    }
    return r;
  }

  private static void check(long t0) throws IOException {
    if (System.nanoTime() - t0 > DEADLINE_NANOS) {
      throw new IOException("benchmark phase exceeded 600 s");
    }
  }

  private static void report(long t0, int ops) {
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("seconds=%.4f ops=%d%n", s, ops);
  }
}
