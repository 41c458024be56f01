package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.NfsHarness.LOCAL;
import static io.doppel.nfs.proc.NfsHarness.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.nfs.wire.NfsArgs;
import io.doppel.nfs.wire.NfsArgs.DirOpArgs;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.RpcReply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dispatch-level behaviour: DRC replays, garbage, unknown procedures, NULL. */
class NfsProgramTest {
  @TempDir Path dir;
  NfsHarness h;
  byte[] root;

  @BeforeEach
  void open() throws Exception {
    h = new NfsHarness(dir, NfsHarness.EVERYONE_READ_WRITE);
    root = h.root();
  }

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void retransmittedRemoveGetsTheOriginalSuccessNotNoent() throws Exception {
    h.create(ROOT, root, "victim", 0644);
    NfsArgs args = new DirOpArgs(root, "victim");
    NfsHarness.Reply first = h.call(h.nfs, 5000, 12, ROOT, LOCAL, args::encode);
    first.expect(NfsStatus.NFS3_OK);
    NfsHarness.Reply again = h.call(h.nfs, 5000, 12, ROOT, LOCAL, args::encode);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(h.service.duplicateRequestCache().stats().hits()).isEqualTo(1);
    // a new xid is a new request
    h.call(h.nfs, 5001, 12, ROOT, LOCAL, args::encode).expect(NfsStatus.NFS3ERR_NOENT);
  }

  @Test
  void idempotentProceduresAreNotCached() throws Exception {
    NfsArgs args = new NfsArgs.HandleArgs(root);
    h.call(h.nfs, 6000, 1, ROOT, LOCAL, args::encode).expect(NfsStatus.NFS3_OK);
    h.call(h.nfs, 6000, 1, ROOT, LOCAL, args::encode).expect(NfsStatus.NFS3_OK);
    assertThat(h.service.duplicateRequestCache().size()).isZero();
  }

  @Test
  void undecodableArgumentsAreGarbageAndCounted() {
    NfsHarness.Reply r = h.call(h.nfs, 7000, 3, ROOT, LOCAL, out -> out.writeInt(100));
    assertThat(r.reply()).isInstanceOf(RpcReply.GarbageArgs.class);
    assertThat(h.service.stats().garbageArgsCount()).isEqualTo(1);
    NfsHarness.Reply w = h.call(h.nfs, 7001, 7, ROOT, LOCAL, out -> out.writeOpaque(root));
    assertThat(w.reply()).isInstanceOf(RpcReply.GarbageArgs.class);
    assertThat(h.service.duplicateRequestCache().size()).as("garbage is not cached").isZero();
  }

  @Test
  void unknownProcedureIsUnavailableAndNullIsEmpty() {
    assertThat(h.call(h.nfs, 8000, 22, ROOT, LOCAL, out -> {}).reply())
        .isInstanceOf(RpcReply.ProcedureUnavailable.class);
    assertThat(h.call(h.nfs, 8001, 0, ROOT, LOCAL, out -> {}).body()).isEmpty();
  }

  @Test
  void callsAreCountedByProcedureAndStatus() throws Exception {
    h.lookupStatus(root, "missing");
    assertThat(h.service.stats().calls("LOOKUP", "NFS3ERR_NOENT")).isEqualTo(1);
    assertThat(h.metrics.scrape())
        .contains("doppel_nfs_calls_total{procedure=\"LOOKUP\",status=\"NFS3ERR_NOENT\"} 1");
  }
}
