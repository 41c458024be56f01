package io.doppel.fs.store;

import static io.doppel.fs.store.Stores.ALICE;
import static io.doppel.fs.store.Stores.BOB;
import static io.doppel.fs.store.Stores.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.doppel.fs.Attributes;
import io.doppel.fs.CreateMode;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.TimeChange;
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

class RocksExportStoreTest {
  @TempDir Path dir;
  RocksExportStore store;
  InodeRef root;

  @BeforeEach
  void open() throws Exception {
    store = Stores.open(dir);
    root = store.root();
  }

  @AfterEach
  void close() {
    store.close();
  }

  interface Op {
    void run() throws Exception;
  }

  static FsStatus status(Op op) {
    FsException e = catchThrowableOfType(FsException.class, op::run);
    assertThat(e).as("expected an FsException").isNotNull();
    return e.status();
  }

  static SetAttributes mode(int mode) {
    return new SetAttributes(
        OptionalInt.of(mode),
        OptionalInt.empty(),
        OptionalInt.empty(),
        OptionalLong.empty(),
        TimeChange.KEEP,
        TimeChange.KEEP);
  }

  static SetAttributes size(long size) {
    return new SetAttributes(
        OptionalInt.empty(),
        OptionalInt.empty(),
        OptionalInt.empty(),
        OptionalLong.of(size),
        TimeChange.KEEP,
        TimeChange.KEEP);
  }

  @Test
  void rootIsA0755DirectoryOwnedByRoot() throws Exception {
    Attributes a = store.getAttributes(root);
    assertThat(a.type()).isEqualTo(FileType.DIRECTORY);
    assertThat(a.mode()).isEqualTo(0755);
    assertThat(a.uid()).isZero();
    assertThat(a.nlink()).isEqualTo(2);
    assertThat(root.generation()).isNotZero();
    assertThat(store.lookup(ROOT, root, "..").child()).isEqualTo(root);
    assertThat(store.lookup(ROOT, root, ".").child()).isEqualTo(root);
  }

  @Test
  void createWriteReadAndLookup() throws Exception {
    InodeRef f = Stores.file(store, root, "a.txt");
    Stores.write(store, f, 0, "hello world".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(Stores.read(store, f, 6, 100), StandardCharsets.UTF_8))
        .isEqualTo("world");
    assertThat(store.lookup(ROOT, root, "a.txt").child()).isEqualTo(f);
    assertThat(store.getAttributes(f).size()).isEqualTo(11);
    Attributes parent = store.getAttributes(root);
    assertThat(parent.mtimeNanos()).isEqualTo(parent.ctimeNanos());
    assertThat(status(() -> store.lookup(ROOT, root, "nope"))).isEqualTo(FsStatus.NOENT);
    assertThat(status(() -> store.getAttributes(new InodeRef(f.fileId(), f.generation() + 1))))
        .isEqualTo(FsStatus.STALE);
  }

  @Test
  void writeFromAReadOnlyDirectViewIsStoredWithoutKeepingTheView() throws Exception {
    InodeRef f = Stores.file(store, root, "direct.bin");
    ByteBuffer direct = ByteBuffer.allocateDirect(16);
    direct.put("0123456789abcdef".getBytes(StandardCharsets.UTF_8)).flip();
    // a view into the middle of a received record, as XdrDecoder.readOpaqueView returns it
    ByteBuffer view = direct.position(4).limit(12).slice().asReadOnlyBuffer();
    store.write(ROOT, f, 2, view, io.doppel.fs.Stability.FILE_SYNC);
    direct.clear().put(new byte[16]); // the RPC layer reuses the record's memory afterwards
    assertThat(Stores.read(store, f, 0, 100))
        .isEqualTo(new byte[] {0, 0, '4', '5', '6', '7', '8', '9', 'a', 'b'});
    assertThat(store.getAttributes(f).size()).isEqualTo(10);
  }

  @Test
  void writePastEndLeavesAZeroHoleAndEofIsReported() throws Exception {
    InodeRef f = Stores.file(store, root, "sparse");
    Stores.write(store, f, 10, new byte[] {7});
    assertThat(Stores.read(store, f, 0, 20)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7);
    var r = store.read(ROOT, f, 5, 100, (ch, p, l) -> {});
    assertThat(r.eof()).isTrue();
    assertThat(r.count()).isEqualTo(6);
  }

  @Test
  void truncateShrinksAndGrowsWithZeros() throws Exception {
    InodeRef f = Stores.file(store, root, "t");
    Stores.write(store, f, 0, "abcdef".getBytes(StandardCharsets.UTF_8));
    long mtime = store.getAttributes(f).mtimeNanos();
    store.setAttributes(ROOT, f, size(2), Optional.empty());
    store.setAttributes(ROOT, f, size(4), Optional.empty());
    assertThat(Stores.read(store, f, 0, 10)).containsExactly('a', 'b', 0, 0);
    assertThat(store.getAttributes(f).mtimeNanos()).isGreaterThan(mtime);
    assertThat(status(() -> store.setAttributes(ROOT, root, size(0), Optional.empty())))
        .isEqualTo(FsStatus.INVAL);
  }

  @Test
  void setAttributesChecksOwnershipAndGuard() throws Exception {
    InodeRef f = Stores.file(store, root, "f");
    store.setAttributes(
        ROOT,
        f,
        new SetAttributes(
            OptionalInt.of(0100644),
            OptionalInt.of(ALICE.uid()),
            OptionalInt.empty(),
            OptionalLong.empty(),
            TimeChange.KEEP,
            new TimeChange.ClientTime(5)),
        Optional.empty());
    Attributes a = store.getAttributes(f);
    assertThat(a.mode()).isEqualTo(0644);
    assertThat(a.uid()).isEqualTo(ALICE.uid());
    assertThat(a.mtimeNanos()).isEqualTo(5);
    assertThat(status(() -> store.setAttributes(BOB, f, mode(0777), Optional.empty())))
        .isEqualTo(FsStatus.PERM);
    assertThat(
            status(
                () ->
                    store.setAttributes(
                        ALICE,
                        f,
                        new SetAttributes(
                            OptionalInt.empty(),
                            OptionalInt.of(BOB.uid()),
                            OptionalInt.empty(),
                            OptionalLong.empty(),
                            TimeChange.KEEP,
                            TimeChange.KEEP),
                        Optional.empty())))
        .isEqualTo(FsStatus.PERM);
    assertThat(status(() -> store.setAttributes(ALICE, f, mode(0600), Optional.of(1L))))
        .isEqualTo(FsStatus.NOT_SYNC);
    store.setAttributes(ALICE, f, mode(0600), Optional.of(a.ctimeNanos()));
    assertThat(store.getAttributes(f).ctimeNanos()).isGreaterThan(a.ctimeNanos());
  }

  @Test
  void createModes() throws Exception {
    InodeRef f = Stores.file(store, root, "x");
    Stores.write(store, f, 0, new byte[100]);
    assertThat(
            status(() -> store.create(ROOT, root, "x", new CreateMode.Guarded(SetAttributes.NONE))))
        .isEqualTo(FsStatus.EXIST);
    var u = store.create(ROOT, root, "x", new CreateMode.Unchecked(size(10)));
    assertThat(u.ref()).isEqualTo(f);
    assertThat(u.attributes().size()).isEqualTo(10);
    var e1 = store.create(ROOT, root, "ex", new CreateMode.Exclusive(99));
    var e2 = store.create(ROOT, root, "ex", new CreateMode.Exclusive(99));
    assertThat(e2.ref()).isEqualTo(e1.ref());
    assertThat(status(() -> store.create(ROOT, root, "ex", new CreateMode.Exclusive(98))))
        .isEqualTo(FsStatus.EXIST);
  }

  @Test
  void nameRules() throws Exception {
    CreateMode g = new CreateMode.Guarded(SetAttributes.NONE);
    assertThat(status(() -> store.create(ROOT, root, "a/b", g))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.create(ROOT, root, "a\0b", g))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.create(ROOT, root, "", g))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.create(ROOT, root, "x".repeat(256), g)))
        .isEqualTo(FsStatus.NAMETOOLONG);
    assertThat(status(() -> store.create(ROOT, root, "..", g))).isEqualTo(FsStatus.EXIST);
    assertThat(status(() -> store.makeDirectory(ROOT, root, ".", SetAttributes.NONE)))
        .isEqualTo(FsStatus.EXIST);
    assertThat(status(() -> store.remove(ROOT, root, "."))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.removeDirectory(ROOT, root, "."))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.removeDirectory(ROOT, root, ".."))).isEqualTo(FsStatus.NOTEMPTY);
    assertThat(
            status(() -> store.makeSymlink(ROOT, root, "l", "x".repeat(4097), SetAttributes.NONE)))
        .isEqualTo(FsStatus.NAMETOOLONG);
    store.create(ROOT, root, "x".repeat(255), g);
  }

  @Test
  void directoriesCountLinksAndRefuseWrongRemoval() throws Exception {
    InodeRef d = Stores.mkdir(store, root, "d");
    InodeRef sub = Stores.mkdir(store, d, "sub");
    InodeRef f = Stores.file(store, d, "f");
    assertThat(store.getAttributes(root).nlink()).isEqualTo(3);
    assertThat(store.getAttributes(d).nlink()).isEqualTo(3);
    assertThat(store.lookup(ROOT, sub, "..").child()).isEqualTo(d);
    assertThat(status(() -> store.remove(ROOT, d, "sub"))).isEqualTo(FsStatus.ISDIR);
    assertThat(status(() -> store.removeDirectory(ROOT, d, "f"))).isEqualTo(FsStatus.NOTDIR);
    assertThat(status(() -> store.removeDirectory(ROOT, root, "d"))).isEqualTo(FsStatus.NOTEMPTY);
    assertThat(status(() -> store.lookup(ROOT, f, "x"))).isEqualTo(FsStatus.NOTDIR);
    store.removeDirectory(ROOT, d, "sub");
    store.remove(ROOT, d, "f");
    assertThat(status(() -> store.getAttributes(f))).isEqualTo(FsStatus.STALE);
    assertThat(store.getAttributes(d).nlink()).isEqualTo(2);
    assertThat(dir.resolve("data").toFile().toPath()).isDirectory();
    assertThat(DataFiles.path(dir.resolve("data"), f.fileId())).doesNotExist();
  }

  @Test
  void hardLinksShareTheInode() throws Exception {
    InodeRef f = Stores.file(store, root, "f");
    Stores.write(store, f, 0, new byte[] {1, 2, 3});
    var linked = store.link(ROOT, f, root, "g");
    assertThat(linked.file().nlink()).isEqualTo(2);
    store.remove(ROOT, root, "f");
    assertThat(store.getAttributes(f).nlink()).isEqualTo(1);
    assertThat(Stores.read(store, f, 0, 3)).containsExactly(1, 2, 3);
    assertThat(status(() -> store.link(ROOT, root, root, "rootlink"))).isEqualTo(FsStatus.PERM);
    assertThat(status(() -> store.link(ROOT, f, root, "g"))).isEqualTo(FsStatus.EXIST);
  }

  @Test
  void renameRules() throws Exception {
    InodeRef a = Stores.mkdir(store, root, "a");
    InodeRef b = Stores.mkdir(store, a, "b");
    Stores.file(store, root, "f1");
    InodeRef f2 = Stores.file(store, root, "f2");
    Stores.mkdir(store, root, "empty");
    InodeRef full = Stores.mkdir(store, root, "full");
    Stores.file(store, full, "x");
    assertThat(status(() -> store.rename(ROOT, root, "a", b, "a2"))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.rename(ROOT, root, "a", a, "self"))).isEqualTo(FsStatus.INVAL);
    assertThat(status(() -> store.rename(ROOT, root, "f1", root, "a"))).isEqualTo(FsStatus.ISDIR);
    assertThat(status(() -> store.rename(ROOT, root, "a", root, "f1"))).isEqualTo(FsStatus.NOTDIR);
    assertThat(status(() -> store.rename(ROOT, root, "a", root, "full")))
        .isEqualTo(FsStatus.NOTEMPTY);
    assertThat(status(() -> store.rename(ROOT, root, "zz", root, "y"))).isEqualTo(FsStatus.NOENT);
    store.rename(ROOT, root, "f1", root, "f2");
    assertThat(status(() -> store.getAttributes(f2))).isEqualTo(FsStatus.STALE);
    assertThat(Stores.names(store, root)).doesNotContain("f1").contains("f2");
    store.rename(ROOT, root, "a", root, "empty");
    assertThat(store.lookup(ROOT, root, "empty").child()).isEqualTo(a);
    store.rename(ROOT, a, "b", full, "b");
    assertThat(store.getAttributes(a).nlink()).isEqualTo(2);
    assertThat(store.getAttributes(full).nlink()).isEqualTo(3);
    assertThat(store.lookup(ROOT, b, "..").child()).isEqualTo(full);
    store.link(ROOT, store.lookup(ROOT, root, "f2").child(), root, "f3");
    store.rename(ROOT, root, "f2", root, "f3");
    assertThat(Stores.names(store, root)).contains("f2", "f3");
  }

  @Test
  void permissionsAndStickyBit() throws Exception {
    InodeRef tmp = store.makeDirectory(ROOT, root, "tmp", mode(01777)).ref();
    InodeRef mine =
        store.create(ALICE, tmp, "alice", new CreateMode.Guarded(SetAttributes.NONE)).ref();
    assertThat(store.getAttributes(mine).uid()).isEqualTo(ALICE.uid());
    assertThat(status(() -> store.remove(BOB, tmp, "alice"))).isEqualTo(FsStatus.PERM);
    assertThat(status(() -> store.create(ALICE, root, "no", new CreateMode.Unchecked(mode(0)))))
        .isEqualTo(FsStatus.ACCES);
    InodeRef closed = store.makeDirectory(ROOT, root, "closed", mode(0700)).ref();
    assertThat(status(() -> store.lookup(ALICE, closed, "x"))).isEqualTo(FsStatus.ACCES);
    store.setAttributes(ALICE, mine, mode(0600), Optional.empty());
    assertThat(store.read(ALICE, mine, 0, 1, (c, p, l) -> {}).count()).isZero();
    assertThat(store.access(BOB, mine, 63)).isZero();
    assertThat(store.access(ALICE, mine, 63)).isEqualTo(1 | 4 | 8);
    assertThat(store.access(BOB, tmp, 63)).isEqualTo(1 | 2 | 4 | 8 | 16);
    assertThat(status(() -> store.read(BOB, mine, 0, 1, (c, p, l) -> {})))
        .isEqualTo(FsStatus.ACCES);
    store.remove(ALICE, tmp, "alice");
  }

  @Test
  void symlinksAndNodes() throws Exception {
    var l = store.makeSymlink(ROOT, root, "l", "../target", SetAttributes.NONE);
    assertThat(store.readLink(l.ref()).target()).isEqualTo("../target");
    assertThat(l.attributes().size()).isEqualTo(9);
    var fifo = store.makeNode(ROOT, root, "p", FileType.FIFO, 0, 0, SetAttributes.NONE);
    assertThat(fifo.attributes().type()).isEqualTo(FileType.FIFO);
    var dev = store.makeNode(ROOT, root, "c", FileType.CHAR_DEVICE, 1, 3, SetAttributes.NONE);
    assertThat(dev.attributes().rdevMinor()).isEqualTo(3);
    assertThat(status(() -> store.makeNode(ALICE, root, "c2", FileType.CHAR_DEVICE, 1, 3, mode(0))))
        .isIn(FsStatus.PERM, FsStatus.ACCES);
    assertThat(
            status(
                () -> store.makeNode(ROOT, root, "r", FileType.REGULAR, 0, 0, SetAttributes.NONE)))
        .isEqualTo(FsStatus.BADTYPE);
    assertThat(status(() -> store.readLink(fifo.ref()))).isEqualTo(FsStatus.INVAL);
    assertThat(
            status(
                () ->
                    store.write(
                        ROOT,
                        fifo.ref(),
                        0,
                        ByteBuffer.wrap(new byte[1]),
                        io.doppel.fs.Stability.UNSTABLE)))
        .isEqualTo(FsStatus.INVAL);
  }

  @Test
  void readDirectoryPagesByCookieAndRejectsUnknownCookies() throws Exception {
    for (int i = 0; i < 7; i++) {
      Stores.file(store, root, "f" + i);
    }
    store.remove(ROOT, root, "f3");
    var first = store.readDirectory(ROOT, root, 0, 2, false);
    assertThat(first.entries()).extracting(e -> e.name()).containsExactly("f0", "f1");
    assertThat(first.eof()).isFalse();
    long c = first.entries().get(1).cookie();
    store.remove(ROOT, root, "f1");
    var next = store.readDirectory(ROOT, root, c, 10, true);
    assertThat(next.entries()).extracting(e -> e.name()).containsExactly("f2", "f4", "f5", "f6");
    assertThat(next.entries().get(0).attributes()).isNotNull();
    assertThat(next.eof()).isTrue();
    assertThat(status(() -> store.readDirectory(ROOT, root, 1_000_000, 10, false)))
        .isEqualTo(FsStatus.BAD_COOKIE);
    assertThat(store.cookieVerifier(root)).isEqualTo(store.cookieVerifier(root));
  }

  @Test
  void stableWritesAndCommitCountSyncsAndStatsComeFromTheDisk() throws Exception {
    InodeRef f = Stores.file(store, root, "s");
    long before = store.storeStats().mutations("write");
    var w =
        store.write(
            ROOT, f, 0, ByteBuffer.wrap(new byte[] {1, 2}), io.doppel.fs.Stability.FILE_SYNC);
    assertThat(w.committed()).isEqualTo(io.doppel.fs.Stability.FILE_SYNC);
    assertThat(w.file().after().size()).isEqualTo(2);
    assertThat(w.file().before().size()).isZero();
    store.commit(ROOT, f, 0, 0);
    assertThat(store.storeStats().mutations("write")).isEqualTo(before + 1);
    assertThat(store.storeStats().dataSyncs.get()).isGreaterThanOrEqualTo(2);
    var st = store.stats();
    assertThat(st.totalBytes()).isPositive();
    assertThat(st.freeFiles()).isLessThan(st.totalFiles());
    assertThat(
            status(
                () ->
                    store.write(
                        ROOT,
                        f,
                        Long.MAX_VALUE - 1,
                        ByteBuffer.wrap(new byte[2]),
                        io.doppel.fs.Stability.UNSTABLE)))
        .isEqualTo(FsStatus.FBIG);
  }
}
