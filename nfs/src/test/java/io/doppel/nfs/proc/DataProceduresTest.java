package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.NfsHarness.ALICE;
import static io.doppel.nfs.proc.NfsHarness.BOB;
import static io.doppel.nfs.proc.NfsHarness.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.Attributes;
import io.doppel.fs.CreateMode;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Stability;
import io.doppel.fs.TimeChange;
import io.doppel.fs.Wcc;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.xdr.XdrDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataProceduresTest {
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

  static NfsArgs.WriteArgs write(byte[] fh, long offset, String data, Stability stable) {
    byte[] b = data.getBytes(StandardCharsets.UTF_8);
    return new NfsArgs.WriteArgs(fh, offset, b.length, stable, ByteBuffer.wrap(b));
  }

  @Test
  void writeThenReadBackWithVerifierAndEof() throws Exception {
    byte[] fh = h.create(ROOT, root, "f", 0644);
    XdrDecoder w =
        h.nfs(7, ROOT, write(fh, 0, "hello world", Stability.UNSTABLE)).expect(NfsStatus.NFS3_OK);
    Wcc wcc = AttrCodec.readWcc(w);
    assertThat(wcc.after().size()).isEqualTo(11);
    assertThat(w.readInt()).as("count").isEqualTo(11);
    assertThat(w.readInt()).as("committed").isGreaterThanOrEqualTo(Stability.UNSTABLE.code);
    assertThat(w.readLong()).isEqualTo(h.service.writeVerifier());

    XdrDecoder r = h.nfs(6, ROOT, new NfsArgs.ReadArgs(fh, 6, 100)).expect(NfsStatus.NFS3_OK);
    assertThat(AttrCodec.readPostOp(r).size()).isEqualTo(11);
    assertThat(r.readInt()).isEqualTo(5);
    assertThat(r.readBoolean()).as("eof").isTrue();
    assertThat(new String(r.readOpaque(100), StandardCharsets.UTF_8)).isEqualTo("world");

    XdrDecoder partial = h.nfs(6, ROOT, new NfsArgs.ReadArgs(fh, 0, 5)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(partial);
    assertThat(partial.readInt()).isEqualTo(5);
    assertThat(partial.readBoolean()).as("eof").isFalse();
    assertThat(h.service.stats().readBytes()).isEqualTo(10);
    assertThat(h.service.stats().writeBytes()).isEqualTo(11);
    assertThat(h.service.stats().calls("READ", "NFS3_OK")).isEqualTo(2);
  }

  @Test
  void commitAnswersTheSameVerifier() throws Exception {
    byte[] fh = h.create(ROOT, root, "f", 0644);
    h.nfs(7, ROOT, write(fh, 0, "x", Stability.UNSTABLE)).expect(NfsStatus.NFS3_OK);
    XdrDecoder c = h.nfs(21, ROOT, new NfsArgs.CommitArgs(fh, 0, 0)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readWcc(c);
    assertThat(c.readLong()).isEqualTo(h.service.writeVerifier());
  }

  @Test
  void readOfADirectoryIsIsdirWithPostOpAttributes() throws Exception {
    XdrDecoder r =
        h.nfs(6, ROOT, new NfsArgs.ReadArgs(root, 0, 10)).expect(NfsStatus.NFS3ERR_ISDIR);
    assertThat(AttrCodec.readPostOp(r).fileId()).isEqualTo(h.store.root().fileId());
    assertThat(r.remaining()).isZero();
  }

  @Test
  void nonOwnerCannotWriteOrReadAPrivateFile() throws Exception {
    byte[] fh = h.create(ALICE, sharedDir(), "private", 0600);
    h.nfs(7, ALICE, write(fh, 0, "secret", Stability.FILE_SYNC)).expect(NfsStatus.NFS3_OK);
    XdrDecoder w =
        h.nfs(7, BOB, write(fh, 0, "x", Stability.FILE_SYNC)).expect(NfsStatus.NFS3ERR_ACCES);
    assertThat(AttrCodec.readWcc(w).after().size()).as("fail body carries wcc").isEqualTo(6);
    XdrDecoder r = h.nfs(6, BOB, new NfsArgs.ReadArgs(fh, 0, 10)).expect(NfsStatus.NFS3ERR_ACCES);
    assertThat(AttrCodec.readPostOp(r)).isNotNull();
    assertThat(r.remaining()).isZero();
  }

  /** The root directory is root's 0755: give alice a directory of her own. */
  byte[] sharedDir() throws Exception {
    return h.mkdir(ROOT, root, "home", 0777);
  }

  @Test
  void setattrGuardMismatchIsNotSync() throws Exception {
    byte[] fh = h.create(ROOT, root, "g", 0644);
    Attributes a = h.getAttr(fh);
    SetAttributes chmod =
        new SetAttributes(
            OptionalInt.of(0600),
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalLong.empty(),
            TimeChange.KEEP,
            TimeChange.KEEP);
    XdrDecoder bad =
        h.nfs(2, ROOT, new NfsArgs.SetAttrArgs(fh, chmod, Optional.of(a.ctimeNanos() + 1)))
            .expect(NfsStatus.NFS3ERR_NOT_SYNC);
    assertThat(AttrCodec.readWcc(bad).after().mode()).isEqualTo(0644);
    XdrDecoder ok =
        h.nfs(2, ROOT, new NfsArgs.SetAttrArgs(fh, chmod, Optional.of(a.ctimeNanos())))
            .expect(NfsStatus.NFS3_OK);
    assertThat(AttrCodec.readWcc(ok).after().mode()).isEqualTo(0600);
  }

  @Test
  void exclusiveCreateRetryWithSameVerifierSucceedsOtherVerifierIsExist() throws Exception {
    NfsArgs.CreateArgs first =
        new NfsArgs.CreateArgs(new NfsArgs.DirOpArgs(root, "x"), new CreateMode.Exclusive(0x1234));
    XdrDecoder a = h.nfs(8, ROOT, first).expect(NfsStatus.NFS3_OK);
    a.readBoolean();
    byte[] handle = a.readOpaque(64);
    XdrDecoder again = h.nfs(8, ROOT, first).expect(NfsStatus.NFS3_OK);
    again.readBoolean();
    assertThat(again.readOpaque(64)).isEqualTo(handle);
    XdrDecoder other =
        h.nfs(
                8,
                ROOT,
                new NfsArgs.CreateArgs(
                    new NfsArgs.DirOpArgs(root, "x"), new CreateMode.Exclusive(0x9999)))
            .expect(NfsStatus.NFS3ERR_EXIST);
    Wcc dirWcc = AttrCodec.readWcc(other);
    assertThat(dirWcc.after().fileId()).isEqualTo(h.store.root().fileId());
  }

  @Test
  void guardedCreateOfAnExistingNameIsExist() throws Exception {
    h.create(ROOT, root, "y", 0644);
    h.nfs(
            8,
            ROOT,
            new NfsArgs.CreateArgs(
                new NfsArgs.DirOpArgs(root, "y"), new CreateMode.Guarded(SetAttributes.NONE)))
        .expect(NfsStatus.NFS3ERR_EXIST);
  }

  @Test
  void fsinfoFsstatPathconfAdvertiseTheContract() throws Exception {
    XdrDecoder i = h.nfs(19, ROOT, new NfsArgs.HandleArgs(root)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(i);
    assertThat(i.readInt()).as("rtmax").isEqualTo(1 << 20);
    i.skip(8);
    assertThat(i.readInt()).as("wtmax").isEqualTo(1 << 20);
    i.skip(8);
    assertThat(i.readInt()).as("dtpref").isEqualTo(64 << 10);
    assertThat(i.readLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(AttrCodec.readTime(i)).isEqualTo(1);
    assertThat(i.readInt()).isEqualTo(0x1b);
    XdrDecoder s = h.nfs(18, ROOT, new NfsArgs.HandleArgs(root)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(s);
    assertThat(s.readLong()).as("tbytes").isPositive();
    XdrDecoder p = h.nfs(20, ROOT, new NfsArgs.HandleArgs(root)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(p);
    p.readInt();
    assertThat(p.readInt()).as("name_max").isEqualTo(255);
  }

  @Test
  void accessReportsWhatTheCallerMayDo() throws Exception {
    byte[] fh = h.create(ROOT, root, "ro", 0644);
    XdrDecoder a = h.nfs(4, BOB, new NfsArgs.AccessArgs(fh, 0x1 | 0x4)).expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(a);
    assertThat(a.readInt()).isEqualTo(0x1);
  }
}
