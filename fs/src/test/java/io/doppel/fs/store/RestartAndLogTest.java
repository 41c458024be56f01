package io.doppel.fs.store;

import static io.doppel.fs.store.Stores.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.DirEntry;
import io.doppel.fs.InodeRef;
import io.doppel.fs.Stability;
import io.doppel.fs.mutation.Mutation;
import io.doppel.metrics.MetricRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartAndLogTest {
  @TempDir Path dir;

  @Test
  void reopenKeepsHandlesCookiesDataAndSequence() throws Exception {
    InodeRef root;
    InodeRef file;
    List<DirEntry> entries;
    long seq;
    try (RocksExportStore s = Stores.open(dir)) {
      root = s.root();
      InodeRef d = Stores.mkdir(s, root, "d");
      file = Stores.file(s, d, "f");
      Stores.write(s, file, 0, new byte[] {4, 5, 6});
      Stores.file(s, root, "gone");
      s.remove(ROOT, root, "gone");
      entries = Stores.list(s, root);
      seq = s.lastAppliedSequence();
    }
    try (RocksExportStore s = Stores.open(dir)) {
      assertThat(s.root()).isEqualTo(root);
      assertThat(s.getAttributes(file).size()).isEqualTo(3);
      assertThat(Stores.read(s, file, 0, 10)).containsExactly(4, 5, 6);
      assertThat(Stores.list(s, root)).isEqualTo(entries);
      assertThat(s.lastAppliedSequence()).isEqualTo(seq);
      InodeRef next = Stores.file(s, root, "after");
      assertThat(next.fileId()).isGreaterThan(file.fileId());
      long lastCookie = entries.get(entries.size() - 1).cookie();
      assertThat(s.lookup(ROOT, root, "after").child()).isEqualTo(next);
      assertThat(Stores.list(s, root).get(entries.size()).cookie()).isGreaterThan(lastCookie + 1);
    }
  }

  @Test
  void fileSyncWriteSurvivesCloseWithoutFlush() throws Exception {
    InodeRef f;
    try (RocksExportStore s = Stores.open(dir)) {
      f = Stores.file(s, s.root(), "durable");
      s.write(ROOT, f, 0, ByteBuffer.wrap(new byte[] {9, 8, 7}), Stability.FILE_SYNC);
      // close() neither flushes memtables nor forces data: recovery relies on the synced WAL
    }
    try (RocksExportStore s = Stores.open(dir)) {
      assertThat(Stores.read(s, f, 0, 3)).containsExactly(9, 8, 7);
    }
  }

  @Test
  void refusesAnotherExportsDirectory() throws Exception {
    Stores.open(dir).close();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                RocksExportStore.open(
                    dir,
                    8,
                    StoreOptions.defaults(),
                    Stores.clock(),
                    new java.util.Random(),
                    new MetricRegistry()))
        .hasMessageContaining("export 7");
  }

  @Test
  void logIsBoundedAndReadableFromASequence() throws Exception {
    MetricRegistry metrics = new MetricRegistry();
    try (RocksExportStore s = Stores.open(dir, new StoreOptions(20_000, 1_000), metrics)) {
      InodeRef f = Stores.file(s, s.root(), "big");
      for (int i = 0; i < 40; i++) {
        Stores.write(s, f, i * 1000L, new byte[1000]);
      }
      MutationLog log = s.mutationLog();
      assertThat(log.bytes()).isLessThanOrEqualTo(20_000);
      assertThat(log.firstSequence()).isGreaterThan(1);
      assertThat(s.mutationLog().readFrom(1, 1 << 20)).isInstanceOf(LogRead.Trimmed.class);
      long first = log.firstSequence();
      var read = (LogRead.Records) log.readFrom(first, 2500);
      assertThat(read.records()).hasSize(2);
      assertThat(read.records().get(0).sequence()).isEqualTo(first);
      assertThat(read.records().get(0).mutation()).isInstanceOf(Mutation.Write.class);
      assertThat(read.next()).isEqualTo(first + 2);
      var end = (LogRead.Records) log.readFrom(s.lastAppliedSequence() + 1, 100);
      assertThat(end.records()).isEmpty();
      assertThat(metrics.scrape())
          .contains("doppel_fs_mutations_total{")
          .contains("doppel_fs_last_applied_sequence{");
    }
    try (RocksExportStore s = Stores.open(dir, new StoreOptions(20_000, 1_000), metrics)) {
      assertThat(s.mutationLog().bytes()).isLessThanOrEqualTo(20_000).isPositive();
    }
  }
}
