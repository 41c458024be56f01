package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.NfsHarness.ALICE;
import static io.doppel.nfs.proc.NfsHarness.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.CreateMode;
import io.doppel.fs.SetAttributes;
import io.doppel.nfs.Access;
import io.doppel.nfs.ClientMatch;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.Squash;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs;
import io.doppel.nfs.wire.NfsArgs.DirOpArgs;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.Credential;
import io.doppel.rpc.xdr.XdrDecoder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export rules are checked on every call, not just at MOUNT. */
class AccessRulesTest {
  static final InetSocketAddress READER = new InetSocketAddress("127.0.0.2", 801);
  static final InetSocketAddress OUTSIDER = new InetSocketAddress("127.0.0.9", 802);

  @TempDir Path dir;
  NfsHarness h;

  @AfterEach
  void close() {
    h.close();
  }

  void open(Squash squash) throws Exception {
    h =
        new NfsHarness(
            dir,
            List.of(
                new ClientRule(
                    ClientMatch.parse("127.0.0.1"), Access.READ_WRITE, squash, 65534, 65533),
                new ClientRule(
                    ClientMatch.parse("127.0.0.2/32"), Access.READ_ONLY, squash, 65534, 65533)));
  }

  @Test
  void readOnlyRuleGetsRofsForEveryModifyingProcedureButMayRead() throws Exception {
    open(Squash.NONE);
    byte[] root = h.root();
    byte[] f = h.create(ROOT, root, "f", 0666);
    List<NfsHarness.Reply> modifying =
        List.of(
            h.nfsFrom(
                READER,
                8,
                new NfsArgs.CreateArgs(
                    new DirOpArgs(root, "n"), new CreateMode.Unchecked(SetAttributes.NONE))),
            h.nfsFrom(
                READER, 9, new NfsArgs.MkdirArgs(new DirOpArgs(root, "d"), SetAttributes.NONE)),
            h.nfsFrom(READER, 12, new DirOpArgs(root, "f")),
            h.nfsFrom(
                READER,
                2,
                new NfsArgs.SetAttrArgs(f, SetAttributes.NONE, java.util.Optional.empty())),
            h.nfsFrom(
                READER, 7, DataProceduresTest.write(f, 0, "x", io.doppel.fs.Stability.FILE_SYNC)),
            h.nfsFrom(
                READER,
                14,
                new NfsArgs.RenameArgs(new DirOpArgs(root, "f"), new DirOpArgs(root, "g"))));
    for (NfsHarness.Reply r : modifying) {
      r.expect(NfsStatus.NFS3ERR_ROFS);
    }
    assertThat(h.lookup(root, "f")).isEqualTo(f);
    h.nfsFrom(READER, 6, new NfsArgs.ReadArgs(f, 0, 10)).expect(NfsStatus.NFS3_OK);
    XdrDecoder a = h.nfsFrom(READER, 4, new NfsArgs.AccessArgs(f, 0x3f)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(a);
    assertThat(a.readInt() & (0x4 | 0x8 | 0x10)).as("no modify bits on a ro export").isZero();
  }

  @Test
  void clientOutsideTheRulesGetsAccesEvenWithAValidHandle() throws Exception {
    open(Squash.NONE);
    byte[] root = h.root();
    XdrDecoder r =
        h.nfsFrom(OUTSIDER, 1, new NfsArgs.HandleArgs(root)).expect(NfsStatus.NFS3ERR_ACCES);
    assertThat(r.remaining()).isZero();
    XdrDecoder l = h.nfsFrom(OUTSIDER, 3, new DirOpArgs(root, "x")).expect(NfsStatus.NFS3ERR_ACCES);
    assertThat(l.readBoolean()).as("no attributes leak to an outsider").isFalse();
  }

  @Test
  void rootSquashMapsRootToTheAnonymousIds() throws Exception {
    open(Squash.ROOT);
    byte[] root = h.root();
    // root is squashed to 65534: the 0755 root directory is not writable for it
    h.nfs(9, ROOT, new NfsArgs.MkdirArgs(new DirOpArgs(root, "d"), SetAttributes.NONE))
        .expect(NfsStatus.NFS3ERR_ACCES);
    assertThat(h.getAttr(root).uid()).isZero();
  }

  @Test
  void allSquashMapsEveryone() throws Exception {
    open(Squash.ALL);
    byte[] root = h.root();
    var chmod =
        new SetAttributes(
            java.util.OptionalInt.of(0777),
            java.util.OptionalInt.empty(),
            java.util.OptionalInt.empty(),
            java.util.OptionalLong.empty(),
            io.doppel.fs.TimeChange.KEEP,
            io.doppel.fs.TimeChange.KEEP);
    h.store.setAttributes(
        io.doppel.fs.Caller.ROOT, h.store.root(), chmod, java.util.Optional.empty());
    byte[] f = h.create(ALICE, root, "f", 0644);
    assertThat(h.getAttr(f).uid()).isEqualTo(65534);
    assertThat(h.getAttr(f).gid()).isEqualTo(65533);
    byte[] g = h.create(new Credential.None(), root, "g", 0644);
    assertThat(h.getAttr(g).uid()).as("AUTH_NONE is anonymous").isEqualTo(65534);
  }
}
