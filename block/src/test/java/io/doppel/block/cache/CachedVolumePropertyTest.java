package io.doppel.block.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.MemoryVolume;
import io.doppel.metrics.MetricRegistry;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A random sequence of reads, writes, zeroes and trims through the cache gives the same results as
 * the same sequence on an uncached volume. The volume below marks trimmed bytes, so a cache that
 * kept stale pages after a trim would be caught. The cache is small (4 pages of 4 KiB over 64 KiB)
 * so evictions happen all the time.
 */
class CachedVolumePropertyTest {
  private static final int SIZE = 65536;

  record Op(int kind, int offset, int length, byte fill) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, SIZE - 1),
                Arbitraries.integers().between(0, 20000),
                Arbitraries.bytes())
            .as((k, off, len, fill) -> new Op(k, off, Math.min(len, SIZE - off), fill));
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 200)
  void cachedEqualsUncached(@ForAll("ops") List<Op> ops) throws Exception {
    CachedVolume cached =
        new CachedVolume(new MemoryVolume("v", SIZE, false), 4 * 4096, 4096, new MetricRegistry());
    runAgainstReference(ops, cached);
    assertThat(cached.stats().hits() + cached.stats().misses()).isPositive();
  }

  /** The same with large reads (8 KiB and more) bypassing the cache, mixed with cached ones. */
  @Property(tries = 200)
  void cachedWithBypassEqualsUncached(@ForAll("ops") List<Op> ops) throws Exception {
    CachedVolume cached =
        new CachedVolume(
            new MemoryVolume("v", SIZE, false), 4 * 4096, 4096, 8192, new MetricRegistry());
    runAgainstReference(ops, cached);
    assertThat(cached.stats().bypasses()).isPositive(); // at least the final full read
  }

  private static void runAgainstReference(List<Op> ops, CachedVolume cached) throws Exception {
    MemoryVolume reference = new MemoryVolume("ref", SIZE, false);
    for (Op op : ops) {
      switch (op.kind()) {
        case 0 -> {
          ByteBuffer a = ByteBuffer.allocate(op.length());
          ByteBuffer b = ByteBuffer.allocate(op.length());
          reference.read(op.offset(), op.length(), a);
          cached.read(op.offset(), op.length(), b);
          assertThat(b.array()).isEqualTo(a.array());
        }
        case 1 -> {
          byte[] data = new byte[op.length()];
          for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (op.fill() + i);
          }
          reference.write(op.offset(), ByteBuffer.wrap(data), false);
          cached.write(op.offset(), ByteBuffer.wrap(data), false);
        }
        case 2 -> {
          reference.writeZeroes(op.offset(), op.length(), false, true);
          cached.writeZeroes(op.offset(), op.length(), false, true);
        }
        default -> {
          reference.trim(op.offset(), op.length());
          cached.trim(op.offset(), op.length());
        }
      }
    }
    ByteBuffer all = ByteBuffer.allocate(SIZE);
    cached.read(0, SIZE, all);
    assertThat(all.array()).isEqualTo(reference.data());
  }
}
