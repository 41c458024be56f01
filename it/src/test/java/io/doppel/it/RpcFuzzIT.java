package io.doppel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.doppel.it.client.AuthSys;
import io.doppel.it.client.Nfs3;
import io.doppel.it.client.RpcConnection;
import io.doppel.it.client.RpcReply;
import io.doppel.it.client.XdrOut;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and malformed RPC records against a live doppel (RFC 5531 section 11 record marking, RFC
 * 4506 lengths): every reply must be a well-formed RPC reply, or the connection closed; the server
 * must survive with bounded memory and keep serving correct data to other clients.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RpcFuzzIT extends ItSupport {
  private static final int CASES = 3000;
  private static final Duration BUDGET = Duration.ofSeconds(120);
  private static final int MARKER_PROC = Nfs3.NULL;

  /** Counts of outcomes, printed at the end. */
  private int replies;

  private int closed;
  private int dropped;

  /** kind -> {sent, answered, closed}; xid -> kind of records not yet answered. */
  private final java.util.Map<String, int[]> byKind = new java.util.TreeMap<>();

  private final java.util.Map<Integer, String> pending = new java.util.HashMap<>();

  @Test
  void survivesFuzzedRecordsWithBoundedMemory() throws Exception {
    DoppelProcess d = startStandard();
    byte[] victimData = new byte[65536];
    new Random(7).nextBytes(victimData);
    byte[] victim;
    byte[] dir;
    byte[] target;
    try (Mounted m = mount(d, "/data")) {
      victim = m.client().create(m.root(), "victim", 0644).orThrow().fh();
      m.client().write(victim, 0, victimData, Nfs3.FILE_SYNC).orThrow();
      dir = m.client().mkdir(m.root(), "fuzz", 0777).orThrow().fh();
      target = m.client().create(dir, "target", 0666).orThrow().fh();
    }
    Mounted bystander = mount(d, "/data");
    long rssBefore = d.rssKib();

    FuzzCases cases = new FuzzCases(dir, target, new SplittableRandom(20261122L));
    try (RpcConnection conn = connect(d)) {
      RpcConnection c = conn;
      for (FuzzCases.Case k : cases.explicit(dir, target)) {
        if (!exchange(c, k)) {
          c.close();
          c = connect(d);
        }
      }
      c.close();
    }
    fuzzRandomRecords(d, cases);
    hostileRecordMarks(d);

    try (bystander) {
      assertThat(d.alive()).as("server alive after fuzzing").isTrue();
      assertThat(bystander.client().getattr(victim).orThrow().size()).isEqualTo(65536);
      assertThat(bystander.client().readAll(victim)).isEqualTo(victimData);
    }
    try (Mounted fresh = mount(d, "/data")) {
      assertThat(fresh.client().readAll(victim)).isEqualTo(victimData);
    }
    long rssAfter = d.rssKib();
    System.out.printf(
        "fuzz: replies=%d closed=%d dropped=%d rss_before=%d KiB rss_after=%d KiB%n",
        replies, closed, dropped, rssBefore, rssAfter);
    byKind.forEach(
        (k, v) ->
            System.out.printf("fuzz kind=%s sent=%d answered=%d closed=%d%n", k, v[0], v[1], v[2]));
    assertThat(rssAfter - rssBefore).as("RSS growth in KiB").isLessThan(200 * 1024);
  }

  private void fuzzRandomRecords(DoppelProcess d, FuzzCases cases) throws IOException {
    long deadline = System.nanoTime() + BUDGET.toNanos();
    RpcConnection conn = connect(d);
    for (int i = 0; i < CASES && System.nanoTime() < deadline; i++) {
      FuzzCases.Case c =
          i % 50 == 49 ? new FuzzCases.Case("fragmented", cases.fragmented()) : cases.next();
      if (!exchange(conn, c)) {
        conn.close();
        conn = connect(d);
      }
    }
    conn.close();
    assertThat(replies).as("the server answered at least some fuzz records").isPositive();
  }

  private static RpcConnection connect(DoppelProcess d) throws IOException {
    return RpcConnection.connect(d.address(), Duration.ofSeconds(20));
  }

  /**
   * Sends one fuzz record followed by a NULL marker call; reads replies until the marker's. Returns
   * false when the server closed the connection. Replies other than the marker's must be
   * well-formed RPC replies (parse throws otherwise).
   */
  private boolean exchange(RpcConnection conn, FuzzCases.Case c) throws IOException {
    String kind = c.kind().replaceAll("@.*", "");
    int[] stats = byKind.computeIfAbsent(kind, k -> new int[3]);
    stats[0]++;
    if (c.bytes().length >= 8) {
      byte[] b = c.bytes();
      pending.put(
          ((b[4] & 0xff) << 24) | ((b[5] & 0xff) << 16) | ((b[6] & 0xff) << 8) | (b[7] & 0xff),
          kind);
    }
    boolean ok = exchangeOnce(conn, c);
    if (!ok) {
      stats[2]++;
    }
    return ok;
  }

  private boolean exchangeOnce(RpcConnection conn, FuzzCases.Case c) throws IOException {
    int marker;
    try {
      conn.sendRaw(c.bytes());
      marker = conn.send(Nfs3.NFS_PROGRAM, 3, MARKER_PROC, AuthSys.ROOT, new XdrOut());
      conn.flush();
    } catch (SocketException e) {
      closed++;
      return false;
    }
    boolean fuzzAnswered = false;
    for (int n = 0; n < 64; n++) {
      byte[] rec;
      try {
        rec = conn.readRecord();
      } catch (EOFException | SocketException e) {
        closed++;
        return false;
      } catch (SocketTimeoutException e) {
        fail(
            "no reply and no close within 20 s after a %s record (%d bytes): %s",
            c.kind(), c.bytes().length, hex(c.bytes()));
        return false;
      }
      RpcReply r;
      try {
        r = RpcConnection.parse(rec);
      } catch (IOException e) {
        fail("malformed reply %s to a %s record %s: %s", hex(rec), c.kind(), hex(c.bytes()), e);
        return false;
      }
      if (r.xid() == marker) {
        assertThat(r.acceptStat()).as("NULL marker after %s", c.kind()).isEqualTo(0);
        if (fuzzAnswered) {
          replies++;
        } else {
          dropped++;
        }
        return true;
      }
      fuzzAnswered = true;
      String answeredKind = pending.remove(r.xid());
      if (answeredKind != null) {
        byKind.get(answeredKind)[1]++;
      }
    }
    fail("more than 64 replies to one fuzz record");
    return false;
  }

  /** Record marks that claim absurd sizes: the server must close rather than allocate or hang. */
  private void hostileRecordMarks(DoppelProcess d) throws IOException {
    int[] marks = {0x7FFFFFFF, 0xFFFFFFFF, 0x80000000 | (64 << 20), 0xFFFFFFF0};
    for (int mark : marks) {
      try (RpcConnection conn = connect(d)) {
        try {
          conn.sendRaw(new XdrOut().u32(mark).raw(new byte[100], 0, 100).toByteArray());
        } catch (SocketException e) {
          continue;
        }
        assertThat(conn.awaitClosed())
            .as("connection closed after record mark 0x%08x", mark)
            .isTrue();
      }
    }
    // Many small non-last fragments whose sum exceeds max_record_bytes (4 MiB).
    try (RpcConnection conn = connect(d)) {
      byte[] frag = new XdrOut().u32(65536).raw(new byte[65536], 0, 65536).toByteArray();
      try {
        for (int i = 0; i < 80; i++) {
          conn.sendRaw(frag);
        }
      } catch (SocketException e) {
        // closed while we were still sending: the expected outcome
      }
      assertThat(conn.awaitClosed()).as("closed after 5 MiB of fragments").isTrue();
    }
    // A plausible length, then the client vanishes mid-record.
    try (RpcConnection conn = connect(d)) {
      conn.sendRaw(
          new XdrOut().u32(0x80000000 | (1 << 20)).raw(new byte[100], 0, 100).toByteArray());
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 160); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s.append(b.length > 160 ? "..." : "").toString();
  }
}
