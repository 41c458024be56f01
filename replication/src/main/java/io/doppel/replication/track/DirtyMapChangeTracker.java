package io.doppel.replication.track;

/**
 * Change tracking by dirty map: a replica that is durable through a seq the map still covers gets
 * the regions dirtied after that seq; regions are cleared once every replica has them.
 */
public final class DirtyMapChangeTracker implements ChangeTracker {
  private final DirtyMap map;

  public DirtyMapChangeTracker(DirtyMap map) {
    this.map = map;
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
    map.clearThrough(seq);
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
