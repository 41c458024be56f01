package io.doppel.fs.store;

import java.time.InstantSource;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Group commit for the RocksDB write-ahead log: batches are written without sync; a caller that
 * needs sequence {@code s} durable waits until one WAL sync that started after {@code s} was
 * written completes. Concurrent callers share one sync (PERFORMANCE.md "Durability without an fsync
 * per request").
 */
final class WalSyncer {
  private final RocksDB db;
  private final LongSupplier writtenSeq;
  private final Runnable onSync;
  private final ReentrantLock writer;
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition done = lock.newCondition();
  private long durableSeq;
  private boolean syncing;

  /** Most yields a sync leader makes for applies that are running or queued on the writer lock. */
  static final int MAX_GATHER_YIELDS = 16;

  /** Longest a sync leader waits for them (a busy machine must not stretch a sync). */
  static final long MAX_GATHER_NANOS = 200_000;

  /**
   * @param writer the export's writer lock: a sync leader first lets mutations that are being
   *     applied or wait for the lock finish (bounded), so they share its sync instead of the next
   * @param clock bounds that wait
   */
  WalSyncer(
      RocksDB db,
      LongSupplier writtenSeq,
      Runnable onSync,
      ReentrantLock writer,
      InstantSource clock) {
    this.db = db;
    this.writer = writer;
    this.clock = clock;
    this.writtenSeq = writtenSeq;
    this.onSync = onSync;
    // 0, not the recovered sequence: records replayed from an unsynced WAL may not be on disk yet
    this.durableSeq = 0;
  }

  /** Returns once every mutation up to {@code seq} is in the synced WAL. */
  void syncThrough(long seq) throws RocksDBException {
    lock.lock();
    try {
      while (durableSeq < seq) {
        if (syncing) {
          done.awaitUninterruptibly();
          continue;
        }
        syncing = true;
        boolean ok = false;
        lock.unlock();
        long target = 0;
        try {
          gather();
          target = writtenSeq.getAsLong();
          db.syncWal();
          onSync.run();
          ok = true;
        } finally {
          lock.lock();
          syncing = false;
          if (ok) {
            durableSeq = Math.max(durableSeq, target);
          }
          done.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Gives writers that hold or wait for the writer lock a chance to join this sync. */
  private void gather() {
    for (int i = 0;
        i < MAX_GATHER_YIELDS && (writer.isLocked() || writer.hasQueuedThreads());
        i++) {
      Thread.yield();
    }
  }
}
