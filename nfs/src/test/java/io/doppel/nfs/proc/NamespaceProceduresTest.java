package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.NfsHarness.ALICE;
import static io.doppel.nfs.proc.NfsHarness.BOB;
import static io.doppel.nfs.proc.NfsHarness.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.FileType;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Wcc;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs;
import io.doppel.nfs.wire.NfsArgs.DirOpArgs;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.xdr.XdrDecoder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceProceduresTest {
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
  void renameMovesTheNameAndReportsBothDirectories() throws Exception {
    byte[] sub = h.mkdir(ROOT, root, "sub", 0755);
    byte[] fh = h.create(ROOT, root, "a", 0644);
    XdrDecoder r =
        h.nfs(14, ROOT, new NfsArgs.RenameArgs(new DirOpArgs(root, "a"), new DirOpArgs(sub, "b")))
            .expect(NfsStatus.NFS3_OK);
    Wcc from = AttrCodec.readWcc(r);
    Wcc to = AttrCodec.readWcc(r);
    assertThat(from.after().fileId()).isEqualTo(h.store.root().fileId());
    assertThat(to.after().fileId()).isEqualTo(h.getAttr(sub).fileId());
    assertThat(h.lookupStatus(root, "a")).isEqualTo(NfsStatus.NFS3ERR_NOENT);
    assertThat(h.lookup(sub, "b")).isEqualTo(fh);
  }

  @Test
  void linkAddsANameAndCountsIt() throws Exception {
    byte[] fh = h.create(ROOT, root, "a", 0644);
    XdrDecoder l =
        h.nfs(15, ROOT, new NfsArgs.LinkArgs(fh, new DirOpArgs(root, "a2")))
            .expect(NfsStatus.NFS3_OK);
    assertThat(AttrCodec.readPostOp(l).nlink()).isEqualTo(2);
    assertThat(h.lookup(root, "a2")).isEqualTo(fh);
  }

  @Test
  void symlinkAndReadlink() throws Exception {
    XdrDecoder s =
        h.nfs(
                10,
                ROOT,
                new NfsArgs.SymlinkArgs(
                    new DirOpArgs(root, "ln"), SetAttributes.NONE, "target/path"))
            .expect(NfsStatus.NFS3_OK);
    s.readBoolean();
    byte[] ln = s.readOpaque(64);
    assertThat(AttrCodec.readPostOp(s).type()).isEqualTo(FileType.SYMLINK);
    XdrDecoder r = h.nfs(5, ROOT, new NfsArgs.HandleArgs(ln)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(r);
    assertThat(r.readString(4096)).isEqualTo("target/path");
    h.nfs(5, ROOT, new NfsArgs.HandleArgs(root)).expect(NfsStatus.NFS3ERR_INVAL);
  }

  @Test
  void removeThenTheOldHandleIsStale() throws Exception {
    byte[] fh = h.create(ROOT, root, "gone", 0644);
    XdrDecoder r = h.nfs(12, ROOT, new DirOpArgs(root, "gone")).expect(NfsStatus.NFS3_OK);
    assertThat(AttrCodec.readWcc(r).after()).isNotNull();
    h.nfs(1, ROOT, new NfsArgs.HandleArgs(fh)).expect(NfsStatus.NFS3ERR_STALE);
    h.nfs(12, ROOT, new DirOpArgs(root, "gone")).expect(NfsStatus.NFS3ERR_NOENT);
  }

  @Test
  void rmdirOnlyEmptyDirectories() throws Exception {
    byte[] sub = h.mkdir(ROOT, root, "d", 0755);
    h.create(ROOT, sub, "f", 0644);
    h.nfs(13, ROOT, new DirOpArgs(root, "d")).expect(NfsStatus.NFS3ERR_NOTEMPTY);
    h.nfs(12, ROOT, new DirOpArgs(sub, "f")).expect(NfsStatus.NFS3_OK);
    h.nfs(13, ROOT, new DirOpArgs(root, "d")).expect(NfsStatus.NFS3_OK);
  }

  @Test
  void tamperedHandleIsBadHandle() throws Exception {
    byte[] bad = root.clone();
    bad[bad.length - 1] ^= 1;
    XdrDecoder r = h.nfs(3, ROOT, new DirOpArgs(bad, "x")).expect(NfsStatus.NFS3ERR_BADHANDLE);
    assertThat(r.readBoolean()).as("no attributes for a handle we did not issue").isFalse();
    h.nfs(1, ROOT, new NfsArgs.HandleArgs(new byte[8])).expect(NfsStatus.NFS3ERR_BADHANDLE);
  }

  @Test
  void nonOwnerCannotRemoveFromAnotherUsersDirectory() throws Exception {
    byte[] home = h.mkdir(ROOT, root, "home", 0777);
    byte[] alices = h.mkdir(ALICE, home, "alice", 0755);
    h.create(ALICE, alices, "f", 0644);
    XdrDecoder r = h.nfs(12, BOB, new DirOpArgs(alices, "f")).expect(NfsStatus.NFS3ERR_ACCES);
    assertThat(AttrCodec.readWcc(r).after().uid()).isEqualTo(1000);
    h.nfs(
            8,
            BOB,
            new NfsArgs.CreateArgs(
                new DirOpArgs(alices, "g"),
                new io.doppel.fs.CreateMode.Unchecked(SetAttributes.NONE)))
        .expect(NfsStatus.NFS3ERR_ACCES);
  }

  @Test
  void mknodMakesFifosAndDevicesButNotRegularFiles() throws Exception {
    h.nfs(
            11,
            ROOT,
            new NfsArgs.MknodArgs(
                new DirOpArgs(root, "r"), FileType.REGULAR, SetAttributes.NONE, 0, 0))
        .expect(NfsStatus.NFS3ERR_BADTYPE);
    XdrDecoder f =
        h.nfs(
                11,
                ROOT,
                new NfsArgs.MknodArgs(
                    new DirOpArgs(root, "p"), FileType.FIFO, SetAttributes.NONE, 0, 0))
            .expect(NfsStatus.NFS3_OK);
    f.readBoolean();
    f.readOpaque(64);
    assertThat(AttrCodec.readPostOp(f).type()).isEqualTo(FileType.FIFO);
    XdrDecoder c =
        h.nfs(
                11,
                ROOT,
                new NfsArgs.MknodArgs(
                    new DirOpArgs(root, "null"), FileType.CHAR_DEVICE, SetAttributes.NONE, 1, 3))
            .expect(NfsStatus.NFS3_OK);
    c.readBoolean();
    c.readOpaque(64);
    var a = AttrCodec.readPostOp(c);
    assertThat(a.rdevMajor()).isEqualTo(1);
    assertThat(a.rdevMinor()).isEqualTo(3);
  }

  @Test
  void namesTooLongAreNameTooLong() throws Exception {
    h.nfs(3, ROOT, new DirOpArgs(root, "n".repeat(256))).expect(NfsStatus.NFS3ERR_NAMETOOLONG);
  }
}
