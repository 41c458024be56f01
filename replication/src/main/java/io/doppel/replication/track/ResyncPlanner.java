package io.doppel.replication.track;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a replica misses into copy work (REPLICATION.md "Bringing it back"; BookKeeper's
 * split: the {@link ChangeTracker} finds, the planner plans, the session fixes). Adjacent dirty
 * regions merge into one task up to {@code maxTaskBytes}; the last region is clipped to the volume.
 *
 * @param maxTaskBytes largest copy task (one record on the wire)
 * @param holdThresholdBytes a backlog under this size is copied as the final round, with new writes
 *     held for a bounded moment
 */
public record ResyncPlanner(long maxTaskBytes, long holdThresholdBytes) {
  public ResyncPlanner {
    if (maxTaskBytes <= 0 || holdThresholdBytes < 0) {
      throw new IllegalArgumentException("planner limits must be positive");
    }
  }

  /** Copy tasks covering exactly the given regions (ascending, distinct) of a volume. */
  public List<CopyTask> planRegions(long[] regions, int regionBytes, long volumeBytes) {
    List<CopyTask> tasks = new ArrayList<>();
    long runStart = -1;
    long runEnd = -1;
    for (long r : regions) {
      long start = r * regionBytes;
      long end = Math.min(start + regionBytes, volumeBytes);
      if (start >= volumeBytes) {
        throw new IllegalArgumentException("region " + r + " outside volume");
      }
      if (runStart >= 0 && start == runEnd) {
        runEnd = end;
        continue;
      }
      if (runStart >= 0) {
        split(runStart, runEnd, tasks);
      }
      runStart = start;
      runEnd = end;
    }
    if (runStart >= 0) {
      split(runStart, runEnd, tasks);
    }
    return tasks;
  }

  /** Copy tasks covering a whole volume (a full resync). */
  public List<CopyTask> planAll(long volumeBytes) {
    List<CopyTask> tasks = new ArrayList<>();
    split(0, volumeBytes, tasks);
    return tasks;
  }

  private void split(long start, long end, List<CopyTask> out) {
    for (long off = start; off < end; off += maxTaskBytes) {
      out.add(new CopyTask(off, Math.min(maxTaskBytes, end - off)));
    }
  }

  /** Bytes a plan copies. */
  public static long bytes(List<CopyTask> tasks) {
    long total = 0;
    for (CopyTask t : tasks) {
      total += t.length();
    }
    return total;
  }

  /** Whether a round of {@code backlogBytes} is small enough to be the final, held one. */
  public boolean isFinalRound(long backlogBytes) {
    return backlogBytes <= holdThresholdBytes;
  }
}
