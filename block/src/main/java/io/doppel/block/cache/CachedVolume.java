package io.doppel.block.cache;

import io.doppel.block.volume.Volume;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A write-through read cache in front of a volume (seed 001, claim 12), in fixed-size pages with
 * least-recently-used eviction, bounded in bytes.
 *
 * <p><b>Ownership rule.</b> Page {@code p}'s presence in the table and its bytes change only while
 * the caller holds {@code p}'s stripe lock, and the I/O to the volume below that could make the
 * page stale happens under the same lock: a read miss holds the stripe across "read page from
 * volume, insert"; a write, zero or trim holds every stripe of its range across "change the volume,
 * update or drop the cached pages". So a fill can never insert bytes older than a write that
 * completed before it, and the cache always equals the volume below. The page table's own lock
 * guards only its map and is never held across I/O. Stripes are taken in ascending order (no
 * deadlock).
 *
 * <p>One instance is shared by every connection to the volume, so a completed write is seen by all
 * of them (what {@code NBD_FLAG_CAN_MULTI_CONN} requires).
 *
 * <p>Large reads (at least {@code bypassBytes}) skip the cache and read the volume below directly;
 * see {@link #read}.
 */
public final class CachedVolume implements Volume {
  /** 64 KiB pages: large enough for sequential reads, small enough not to waste a 4 KiB hit. */
  public static final int DEFAULT_PAGE_BYTES = 64 * 1024;

  /**
   * Reads at least this long bypass the cache: a streaming read would miss every page and evict the
   * small, hot pages the cache exists for, paying a heap copy and a lock per page for nothing.
   */
  public static final int DEFAULT_BYPASS_BYTES = 256 * 1024;

  /**
   * Enough stripes that the pipelined large writes of several connections (a few MiB each, at
   * different offsets) rarely share one, since a write holds its stripes across the volume I/O.
   */
  private static final int STRIPES = 1024;

  private final Volume inner;
  private final int pageBytes;
  private final int bypassBytes;
  private final PageTable table;
  private final PageLocks locks = new PageLocks(STRIPES);
  private final CacheStats stats;

  public CachedVolume(Volume inner, long capacityBytes, MetricRegistry metrics) {
    this(inner, capacityBytes, DEFAULT_PAGE_BYTES, DEFAULT_BYPASS_BYTES, metrics);
  }

  public CachedVolume(Volume inner, long capacityBytes, int pageBytes, MetricRegistry metrics) {
    this(inner, capacityBytes, pageBytes, DEFAULT_BYPASS_BYTES, metrics);
  }

  /**
   * @param bypassBytes reads of at least this many bytes go straight to the volume below
   */
  public CachedVolume(
      Volume inner, long capacityBytes, int pageBytes, int bypassBytes, MetricRegistry metrics) {
    if (bypassBytes <= 0) {
      throw new IllegalArgumentException("volume " + inner.name() + ": bypass must be positive");
    }
    if (pageBytes <= 0 || capacityBytes < pageBytes) {
      throw new IllegalArgumentException(
          "volume " + inner.name() + ": cache must hold at least one page of " + pageBytes);
    }
    this.inner = inner;
    this.pageBytes = pageBytes;
    this.bypassBytes = bypassBytes;
    PageTable[] holder = new PageTable[1];
    this.stats =
        new CacheStats(metrics, inner.name(), capacityBytes, () -> holder[0].residentBytes());
    this.table = new PageTable(capacityBytes, stats);
    holder[0] = table;
  }

  public CacheStats stats() {
    return stats;
  }

  /** The volume below the cache (for tests and for decorators that must reach it). */
  public Volume inner() {
    return inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public long sizeBytes() {
    return inner.sizeBytes();
  }

  @Override
  public int blockSize() {
    return inner.blockSize();
  }

  @Override
  public boolean readOnly() {
    return inner.readOnly();
  }

  @Override
  public void read(long offset, int length, ByteBuffer dst) throws IOException {
    checkRange(offset, length);
    if (length >= bypassBytes) {
      // Coherent without any page lock: writes are write-through and reach the volume below
      // before they complete, so the volume is never older than a completed write. The cache
      // is left untouched.
      stats.bypass();
      inner.read(offset, length, dst);
      return;
    }
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      long page = pos / pageBytes;
      int inPage = (int) (pos - page * pageBytes);
      int n = (int) Math.min(pageBytes - inPage, end - pos);
      locks.lock(page);
      try {
        byte[] bytes = table.get(page);
        if (bytes == null) {
          stats.miss();
          bytes = fill(page);
        } else {
          stats.hit();
        }
        dst.put(bytes, inPage, n);
      } finally {
        locks.unlock(page);
      }
      pos += n;
    }
  }

  private byte[] fill(long page) throws IOException {
    long start = page * pageBytes;
    byte[] bytes = new byte[(int) Math.min(pageBytes, inner.sizeBytes() - start)];
    inner.read(start, bytes.length, ByteBuffer.wrap(bytes));
    table.put(page, bytes);
    return bytes;
  }

  @Override
  public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
    int length = src.remaining();
    checkRange(offset, length);
    if (length == 0) {
      inner.write(offset, src, fua);
      return;
    }
    long first = offset / pageBytes;
    long last = (offset + length - 1) / pageBytes;
    ByteBuffer data = src.duplicate();
    boolean[] held = locks.lockRange(first, last);
    try {
      boolean done = false;
      try {
        inner.write(offset, src, fua);
        done = true;
      } finally {
        if (!done) {
          table.invalidate(first, last); // a partial write may have reached the volume
        }
      }
      updatePages(offset, data, first, last);
    } finally {
      locks.unlockRange(held);
    }
  }

  private void updatePages(long offset, ByteBuffer data, long first, long last) {
    for (long page = first; page <= last; page++) {
      byte[] bytes = table.peek(page);
      if (bytes == null) {
        continue;
      }
      long pageStart = page * pageBytes;
      long from = Math.max(offset, pageStart);
      long to = Math.min(offset + data.remaining(), pageStart + bytes.length);
      data.get(
          data.position() + (int) (from - offset),
          bytes,
          (int) (from - pageStart),
          (int) (to - from));
    }
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim)
      throws IOException {
    checkRange(offset, length);
    if (length == 0) {
      inner.writeZeroes(offset, length, fua, mayTrim);
      return;
    }
    long first = offset / pageBytes;
    long last = (offset + length - 1) / pageBytes;
    boolean[] held = locks.lockRange(first, last);
    try {
      table.invalidate(first, last);
      inner.writeZeroes(offset, length, fua, mayTrim);
    } finally {
      locks.unlockRange(held);
    }
  }

  @Override
  public void trim(long offset, long length) throws IOException {
    checkRange(offset, length);
    if (length == 0) {
      inner.trim(offset, length);
      return;
    }
    long first = offset / pageBytes;
    long last = (offset + length - 1) / pageBytes;
    boolean[] held = locks.lockRange(first, last);
    try {
      // The volume below decides what a trimmed range reads as; dropping the pages keeps us equal.
      table.invalidate(first, last);
      inner.trim(offset, length);
    } finally {
      locks.unlockRange(held);
    }
  }

  @Override
  public void flush() throws IOException {
    inner.flush();
  }

  @Override
  public void close() throws IOException {
    table.invalidate(0, Long.MAX_VALUE - 1);
    inner.close();
  }

  private void checkRange(long offset, long length) {
    if (offset < 0 || length < 0 || offset > inner.sizeBytes() - length) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + length + " outside volume " + inner.name());
    }
  }
}
