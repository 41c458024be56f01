package io.doppel.block.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.MemoryVolume;
import io.doppel.metrics.MetricRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CachedVolumeTest {
  @Test
  void countsHitsMissesAndEvictions() throws Exception {
    MetricRegistry metrics = new MetricRegistry();
    CachedVolume v = new CachedVolume(new MemoryVolume("v", 65536, false), 8192, 4096, metrics);
    v.read(0, 100, ByteBuffer.allocate(100));
    v.read(10, 100, ByteBuffer.allocate(100));
    assertThat(v.stats().misses()).isEqualTo(1);
    assertThat(v.stats().hits()).isEqualTo(1);
    v.read(8192, 8192, ByteBuffer.allocate(8192)); // two more pages: evicts
    assertThat(v.stats().evictions()).isGreaterThanOrEqualTo(1);
    assertThat(metrics.scrape()).contains("doppel_block_cache_hits_total{volume=\"v\"} 1");
  }

  @Test
  void largeReadsBypassTheCacheAndSeeCompletedWrites() throws Exception {
    CachedVolume v =
        new CachedVolume(
            new MemoryVolume("v", 65536, false), 16384, 4096, 8192, new MetricRegistry());
    v.read(0, 100, ByteBuffer.allocate(100)); // page 0 becomes resident
    v.write(0, ByteBuffer.wrap(filled((byte) 7)), false);
    ByteBuffer big = ByteBuffer.allocate(16384);
    v.read(0, 16384, big);
    assertThat(v.stats().bypasses()).isEqualTo(1);
    assertThat(v.stats().misses()).isEqualTo(1); // the bypassing read filled no page
    assertThat(java.util.Arrays.copyOf(big.array(), 4096)).containsOnly((byte) 7);
    assertThat(java.util.Arrays.copyOfRange(big.array(), 4096, 16384)).containsOnly((byte) 0);
  }

  /** Readers racing a writer on one page never see bytes older than a completed write. */
  @Test
  void concurrentReadersNeverSeeStaleDataAfterAWriteCompletes() throws Exception {
    MemoryVolume below = new MemoryVolume("v", 65536, false);
    CachedVolume v = new CachedVolume(below, 4096, 4096, new MetricRegistry());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 1; round < 200; round++) {
        byte value = (byte) round;
        List<Future<?>> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          readers.add(pool.submit(() -> readPage(v, 0)));
        }
        v.write(0, ByteBuffer.wrap(filled(value)), false);
        for (Future<?> f : readers) {
          f.get();
        }
        byte[] now = readPage(v, 4096 * (round % 2)); // touch another page to force reuse
        assertThat(now).isNotNull();
        assertThat(readPage(v, 0)).containsOnly(value);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] filled(byte value) {
    byte[] b = new byte[4096];
    java.util.Arrays.fill(b, value);
    return b;
  }

  private static byte[] readPage(CachedVolume v, long offset) {
    try {
      ByteBuffer b = ByteBuffer.allocate(4096);
      v.read(offset, 4096, b);
      return b.array();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
