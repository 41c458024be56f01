package io.doppel.fs.store;

import static io.doppel.fs.store.Stores.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.InodeRef;
import io.doppel.fs.Stability;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
  @TempDir Path dir;

  @Test
  void concurrentStableWritersAndReadersSeeConsistentData() throws Exception {
    int threads = 4;
    int writesEach = 50;
    try (RocksExportStore s = Stores.open(dir)) {
      List<InodeRef> files = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        files.add(Stores.file(s, s.root(), "f" + t));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          InodeRef f = files.get(t);
          byte fill = (byte) (t + 1);
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < writesEach; i++) {
                      byte[] block = new byte[512];
                      java.util.Arrays.fill(block, fill);
                      s.write(ROOT, f, i * 512L, ByteBuffer.wrap(block), Stability.FILE_SYNC);
                    }
                    return null;
                  }));
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < writesEach; i++) {
                      byte[] seen = Stores.read(s, f, 0, 512 * writesEach);
                      for (byte b : seen) {
                        assertThat(b).isEqualTo(fill);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      for (int t = 0; t < threads; t++) {
        assertThat(s.getAttributes(files.get(t)).size()).isEqualTo(512L * writesEach);
      }
      long writes = (long) threads * writesEach;
      assertThat(s.storeStats().mutations("write")).isEqualTo(writes);
      assertThat(s.storeStats().walSyncs.get()).isPositive().isLessThanOrEqualTo(writes + threads);
    }
  }
}
