package io.doppel.replication.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Clears reach the disk on the agent's ticks, a few times a second: a primary that crashes claims
 * every region still marked on disk as a possible unreplicated tail, so stale marks cost copies.
 */
class DirtyMapClearPersistTest {
  private static final int REGION = 64 * 1024;
  private static final long MS = 1_000_000L;

  @Test
  void clearsArePersistedOnATickAfterTheInterval() throws Exception {
    Path file = Files.createTempDirectory("dm").resolve("v.dmap");
    DirtyMap map = DirtyMap.create(file, 64L * REGION, REGION);
    DirtyMapChangeTracker tracker = new DirtyMapChangeTracker(map);
    for (long seq = 1; seq <= 20; seq++) {
      map.markDurably(seq * REGION, 100, seq);
    }
    tracker.tick(900 * MS); // nothing cleared yet: nothing to write
    tracker.allDurableThrough(10);
    assertThat(onDisk(file)).as("clears are lazy").isEqualTo(20L * REGION);
    tracker.tick(1000 * MS);
    assertThat(onDisk(file)).as("persisted on the tick").isEqualTo(10L * REGION);
    tracker.allDurableThrough(20);
    tracker.tick(1100 * MS); // within the interval since the last persist
    assertThat(onDisk(file)).isEqualTo(10L * REGION);
    tracker.tick(1000 * MS + DirtyMapChangeTracker.CLEAR_PERSIST_INTERVAL_NANOS);
    assertThat(onDisk(file)).isZero();
  }

  @Test
  void withLocalDurabilityARegionClearsOnlyOnceThePrimaryForcedItToo() throws Exception {
    DirtyMap map = DirtyMap.volatileMap(64L * REGION, REGION);
    DirtyMapChangeTracker tracker = new DirtyMapChangeTracker(map);
    tracker.trackLocalDurability();
    for (long seq = 1; seq <= 10; seq++) {
      map.mark(seq * REGION, 100, seq);
    }
    tracker.allDurableThrough(10); // every replica has 1..10, the primary's page cache only
    assertThat(map.dirtyBytes()).isEqualTo(10L * REGION);
    tracker.localDurableThrough(4); // a FUA write or FLUSH at seq 4 forced the primary's image
    assertThat(map.dirtyBytes()).isEqualTo(6L * REGION);
    tracker.localDurableThrough(12); // local ahead of the replicas: they bound it now
    assertThat(map.dirtyBytes()).isZero();
  }

  private static long onDisk(Path file) throws Exception {
    DirtyMap reopened = DirtyMap.open(file, 100);
    try {
      return reopened.dirtyBytes();
    } finally {
      reopened.close();
    }
  }
}
