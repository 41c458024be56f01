package io.doppel.replication.track;

/**
 * Change tracking by record log: a lagging replica is caught up from its last durable seq while the
 * log still reaches back that far, else it needs a full copy.
 */
public final class LogChangeTracker implements ChangeTracker {
  private final RecordSource source;

  public LogChangeTracker(RecordSource source) {
    this.source = source;
  }

  @Override
  public CatchUp catchUpFrom(long durableSeq, long lastSeq, boolean includeUnknown) {
    if (durableSeq >= lastSeq) {
      return new CatchUp.NothingMissing();
    }
    return source.covers(durableSeq + 1)
        ? new CatchUp.FromLog(durableSeq + 1)
        : new CatchUp.FullSync();
  }

  @Override
  public void allDurableThrough(long seq) {
    // The log is bounded on its own; what all replicas hold may stay for a later catch-up.
  }

  @Override
  public long trackedBytes(long durableSeq) {
    return source.bytesFrom(durableSeq + 1);
  }
}
