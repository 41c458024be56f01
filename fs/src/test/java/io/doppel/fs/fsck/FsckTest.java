package io.doppel.fs.fsck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.fs.Caller;
import io.doppel.fs.CreateMode;
import io.doppel.fs.InodeRef;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Stability;
import io.doppel.fs.store.DataFiles;
import io.doppel.fs.store.Inode;
import io.doppel.fs.store.Keys;
import io.doppel.fs.store.MetaDatabase;
import io.doppel.fs.store.RocksExportStore;
import io.doppel.fs.store.StoreOptions;
import io.doppel.metrics.MetricRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsckTest {
  @TempDir Path dir;

  private RocksExportStore open() throws Exception {
    return RocksExportStore.open(
        dir,
        3,
        StoreOptions.defaults(),
        () -> Instant.ofEpochSecond(1_000),
        new Random(5),
        new MetricRegistry());
  }

  private static InodeRef create(RocksExportStore s, InodeRef d, String name) throws Exception {
    return s.create(Caller.ROOT, d, name, new CreateMode.Guarded(SetAttributes.NONE)).ref();
  }

  @Test
  void healthyStoreIsClean() throws Exception {
    try (RocksExportStore s = open()) {
      InodeRef d = s.makeDirectory(Caller.ROOT, s.root(), "d", SetAttributes.NONE).ref();
      InodeRef f = create(s, d, "f");
      s.write(Caller.ROOT, f, 100, ByteBuffer.wrap(new byte[10]), Stability.UNSTABLE);
      s.link(Caller.ROOT, f, s.root(), "hard");
    }
    FsckReport r = Fsck.run(dir, false);
    assertThat(r.problems()).isEmpty();
    assertThat(r.clean()).isTrue();
    assertThat(r.inodesChecked()).isEqualTo(3);
    assertThat(r.entriesChecked()).isEqualTo(3);
  }

  @Test
  void findsAndRepairsInjectedCorruption() throws Exception {
    InodeRef victim;
    InodeRef bumped;
    InodeRef orphanDir;
    InodeRef shortFile;
    try (RocksExportStore s = open()) {
      victim = create(s, s.root(), "victim");
      bumped = create(s, s.root(), "bumped");
      InodeRef d = s.makeDirectory(Caller.ROOT, s.root(), "d", SetAttributes.NONE).ref();
      orphanDir = s.makeDirectory(Caller.ROOT, d, "lost", SetAttributes.NONE).ref();
      shortFile = create(s, s.root(), "short");
      s.write(Caller.ROOT, shortFile, 0, ByteBuffer.wrap(new byte[500]), Stability.FILE_SYNC);
    }
    try (MetaDatabase m = MetaDatabase.open(dir.resolve("meta"), 3)) {
      m.db().delete(Keys.inode(victim.fileId()));
      Inode b = Inode.decode(m.db().get(Keys.inode(bumped.fileId())));
      m.db().put(Keys.inode(bumped.fileId()), b.withNlink(5).encode());
      long dId = Inode.decode(m.db().get(Keys.inode(orphanDir.fileId()))).parent();
      m.db().delete(Keys.dirent(dId, "lost"));
    }
    Path orphanData = DataFiles.path(dir.resolve("data"), 0xabcdefL);
    Files.createDirectories(orphanData.getParent());
    Files.write(orphanData, new byte[] {1});
    Files.write(DataFiles.path(dir.resolve("data"), shortFile.fileId()), new byte[3]);

    FsckReport found = Fsck.run(dir, false);
    assertThat(found.clean()).isFalse();
    assertThat(String.join("\n", found.problems()))
        .contains("points to missing inode " + victim.fileId())
        .contains("inode " + bumped.fileId() + " has nlink 5")
        .contains("unreachable")
        .contains("belongs to no file")
        .contains("is short");
    assertThat(found.repaired()).isZero();
    assertThat(Fsck.run(dir, false).problems()).isEqualTo(found.problems());

    FsckReport fixed = Fsck.run(dir, true);
    assertThat(fixed.repaired()).isGreaterThanOrEqualTo(5);
    FsckReport again = Fsck.run(dir, false);
    assertThat(again.problems()).isEmpty();
    assertThat(orphanData).doesNotExist();

    try (RocksExportStore s = open()) {
      assertThat(s.lookup(Caller.ROOT, s.root(), "lost+found." + orphanDir.fileId()).child())
          .isEqualTo(orphanDir);
      assertThat(s.getAttributes(bumped).nlink()).isEqualTo(1);
      assertThat(s.getAttributes(shortFile).size()).isEqualTo(500);
      assertThat(Files.size(DataFiles.path(dir.resolve("data"), shortFile.fileId())))
          .isEqualTo(500);
    }
  }

  @Test
  void refusesADirectoryWithoutAnExport() {
    assertThatThrownBy(() -> Fsck.run(dir.resolve("nothing"), false))
        .hasMessageContaining("holds no export");
  }
}
