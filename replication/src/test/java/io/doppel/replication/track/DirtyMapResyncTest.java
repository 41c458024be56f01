package io.doppel.replication.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A primary that crashed restarts knowing which regions may differ, and a replica that missed
 * writes gets only the dirty regions (seed 000's hand-back with only the delta).
 */
class DirtyMapResyncTest {
  private static final int REGION = 64 * 1024;
  private static final long VOLUME = 1L << 30; // 1 GiB, 16384 regions

  @Test
  void restartedPrimaryCopiesOnlyTheDirtyRegions() throws Exception {
    Path file = Files.createTempDirectory("dm").resolve("vol.dmap");
    DirtyMap map = DirtyMap.create(file, VOLUME, REGION);
    DirtyMapChangeTracker tracker = new DirtyMapChangeTracker(map);
    // seqs 1..100 reach every replica; then the backup stops acknowledging at seq 100
    for (long seq = 1; seq <= 100; seq++) {
      map.markDurably((seq * 7919 * REGION) % VOLUME, 4096, seq);
    }
    tracker.allDurableThrough(100);
    assertThat(map.dirtyBytes()).isZero();
    long flushesBefore = map.flushCount();
    for (long seq = 101; seq <= 400; seq++) {
      long offset = ((seq % 50) * 3 + 1000) * REGION + 512; // 50 regions, written repeatedly
      map.markDurably(offset, 8192, seq);
    }
    // Batching: only a newly dirty region forces the page; repeated writes cost nothing.
    assertThat(map.flushCount() - flushesBefore).isEqualTo(50);
    // crash: no close, no flush of anything lazy; restart with stamps after every seq so far
    DirtyMap reloaded = DirtyMap.open(file, 401);
    DirtyMapChangeTracker after = new DirtyMapChangeTracker(reloaded);
    assertThat(reloaded.dirtyBytes()).isEqualTo(50L * REGION);
    assertThat(after.catchUpFrom(100, 400, true)).isEqualTo(new CatchUp.CopyChanges(100));
    // a replica that was equal at the crash may still differ in the regions written in flight
    assertThat(after.catchUpFrom(400, 400, true)).isEqualTo(new CatchUp.CopyChanges(400));
    assertThat(after.catchUpFrom(400, 400, false)).isEqualTo(new CatchUp.NothingMissing());
    ResyncPlanner planner = new ResyncPlanner(1 << 20, 1 << 20);
    List<CopyTask> plan =
        new DirtyRegionCopySource(reloaded, planner, (t, e, s) -> null).planChangesAfter(100, true);
    assertThat(ResyncPlanner.bytes(plan)).isEqualTo(50L * REGION).isLessThan(VOLUME / 100);
    // a replica durable before what the map covers needs everything
    assertThat(after.catchUpFrom(99, 400, true)).isEqualTo(new CatchUp.FullSync());
    // once every replica copied them they count as written at 400 and clear with the acks
    after.unknownResolved();
    assertThat(reloaded.regionsDirtyAfter(400, true)).isEmpty();
    after.allDurableThrough(400);
    reloaded.flush();
    assertThat(DirtyMap.open(file, 500).dirtyBytes()).isZero();
  }
}
