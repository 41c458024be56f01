package io.doppel.fs.store;

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
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition done = lock.newCondition();
  private long durableSeq;
  private boolean syncing;

  WalSyncer(RocksDB db, LongSupplier writtenSeq, Runnable onSync) {
    this.db = db;
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
        long target = writtenSeq.getAsLong();
        boolean ok = false;
        lock.unlock();
        try {
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
}
