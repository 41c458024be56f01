package io.doppel.block.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The resident pages of one volume in least-recently-used order, bounded in bytes. Its own short
 * lock guards only the map; page contents are guarded by the caller's {@link PageLocks} stripe (see
 * {@link CachedVolume} for the ownership rule). No I/O happens under this lock.
 */
final class PageTable {
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<Long, byte[]> pages = new LinkedHashMap<>(256, 0.75f, true);
  private final long capacityBytes;
  private final CacheStats stats;
  private long residentBytes;

  PageTable(long capacityBytes, CacheStats stats) {
    this.capacityBytes = capacityBytes;
    this.stats = stats;
  }

  /** The page, marked most recently used, or null. */
  byte[] get(long index) {
    lock.lock();
    try {
      return pages.get(index);
    } finally {
      lock.unlock();
    }
  }

  /** Looks a page up without touching its recency (writes must not make a page hot). */
  byte[] peek(long index) {
    lock.lock();
    try {
      return pages.getOrDefault(index, null);
    } finally {
      lock.unlock();
    }
  }

  void put(long index, byte[] page) {
    lock.lock();
    try {
      byte[] old = pages.put(index, page);
      residentBytes += page.length - (old == null ? 0 : old.length);
      evictOverflow();
    } finally {
      lock.unlock();
    }
  }

  /** Drops every resident page with index in [first, last]. */
  void invalidate(long first, long last) {
    lock.lock();
    try {
      if (last - first + 1 <= pages.size()) {
        for (long i = first; i <= last; i++) {
          remove(i);
        }
      } else {
        Iterator<Map.Entry<Long, byte[]>> it = pages.entrySet().iterator();
        while (it.hasNext()) {
          Map.Entry<Long, byte[]> e = it.next();
          if (e.getKey() >= first && e.getKey() <= last) {
            residentBytes -= e.getValue().length;
            it.remove();
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  long residentBytes() {
    lock.lock();
    try {
      return residentBytes;
    } finally {
      lock.unlock();
    }
  }

  private void remove(long index) {
    byte[] old = pages.remove(index);
    if (old != null) {
      residentBytes -= old.length;
    }
  }

  private void evictOverflow() {
    Iterator<byte[]> it = pages.values().iterator();
    while (residentBytes > capacityBytes && it.hasNext()) {
      residentBytes -= it.next().length;
      it.remove();
      stats.evicted();
    }
  }
}
