package io.doppel.replication.track;

/**
 * Change tracking by dirty map: a replica that is durable through a seq the map still covers gets
 * the regions dirtied after that seq; regions are cleared once every replica has them.
 */
public final class DirtyMapChangeTracker implements ChangeTracker {
  /**
   * How long cleared regions may stay marked on disk. A primary that crashes claims every region
   * marked on disk as a possible unreplicated tail ({@link
   * io.doppel.replication.history.TailClaim}) and the next primary copies them all back, so the
   * clears are persisted a few times a second rather than only when a new region is dirtied.
   */
  static final long CLEAR_PERSIST_INTERVAL_NANOS = 250_000_000L;

  private final DirtyMap map;
  private boolean clearsPending;
  private long lastPersistNanos;
  private long replicasDurableSeq;
  private long localDurableSeq = Long.MAX_VALUE;

  public DirtyMapChangeTracker(DirtyMap map) {
    this.map = map;
  }

  /**
   * From now on a region clears only once the primary's own image is durable too ({@link
   * #localDurableThrough}), not only every replica's: after a machine crash (its page cache lost) a
   * primary must still know which regions may differ from a replica that holds a write its own disk
   * lost. Call before the first write; the front end then reports its local flushes.
   */
  public void trackLocalDurability() {
    localDurableSeq = 0;
  }

  /** The primary's image is durable through {@code seq} (it forced it after applying seq). */
  public void localDurableThrough(long seq) {
    if (seq > localDurableSeq) {
      localDurableSeq = seq;
      clear();
    }
  }

  @Override
  public CatchUp catchUpFrom(long durableSeq, long lastSeq, boolean includeUnknown) {
    if (durableSeq < map.coveredFromSeq()) {
      return new CatchUp.FullSync();
    }
    if (durableSeq >= lastSeq && !map.hasDirtyAfter(durableSeq, includeUnknown)) {
      return new CatchUp.NothingMissing();
    }
    return new CatchUp.CopyChanges(durableSeq);
  }

  @Override
  public void allDurableThrough(long seq) {
    if (seq > replicasDurableSeq) {
      replicasDurableSeq = seq;
      clear();
    }
  }

  private void clear() {
    long through = Math.min(replicasDurableSeq, localDurableSeq);
    if (through > map.coveredFromSeq()) {
      map.clearThrough(through);
      clearsPending = true;
    }
  }

  @Override
  public void tick(long nowNanos) {
    if (clearsPending && nowNanos - lastPersistNanos >= CLEAR_PERSIST_INTERVAL_NANOS) {
      lastPersistNanos = nowNanos;
      try {
        map.flush();
        clearsPending = false;
      } catch (java.io.IOException e) {
        // Harmless to keep them marked (a crash would copy a few regions more); try again later.
      }
    }
  }

  @Override
  public void unknownResolved() {
    map.forgetReloaded();
  }

  @Override
  public long trackedBytes(long durableSeq) {
    return map.dirtyBytesAfter(durableSeq);
  }
}
