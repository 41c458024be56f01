package io.doppel.replication.track;

import io.doppel.replication.wire.Record;
import java.util.List;

/**
 * The block face's copy source: changes are the dirty regions written after a seq, planned into
 * tasks by the {@link ResyncPlanner}; a full copy is the whole volume. Reading is the volume's.
 */
public final class DirtyRegionCopySource implements CopySource {
  private final DirtyMap map;
  private final ResyncPlanner planner;
  private final RegionReader reader;

  public DirtyRegionCopySource(DirtyMap map, ResyncPlanner planner, RegionReader reader) {
    this.map = map;
    this.planner = planner;
    this.reader = reader;
  }

  @Override
  public List<CopyTask> planFull() {
    return planner.planAll(map.volumeBytes());
  }

  @Override
  public List<CopyTask> planChangesAfter(long afterSeq, boolean includeUnknown) {
    if (afterSeq < map.coveredFromSeq()) {
      return null;
    }
    return planner.planRegions(
        map.regionsDirtyAfter(afterSeq, includeUnknown), map.regionBytes(), map.volumeBytes());
  }

  @Override
  public boolean adoptChanges(
      List<io.doppel.replication.history.TailClaim.Range> ranges, long seq) {
    try {
      for (var r : ranges) {
        long end = Math.min(r.offset() + r.length(), map.volumeBytes());
        if (r.offset() < end) {
          map.mark(r.offset(), end - r.offset(), seq);
        }
      }
      map.flush();
      return true;
    } catch (java.io.IOException e) {
      return false; // not durable: a crash could forget the tail, so do not rely on it
    }
  }

  @Override
  public Record read(CopyTask task, long epoch, long basisSeq) {
    return reader.read(task, epoch, basisSeq);
  }
}
