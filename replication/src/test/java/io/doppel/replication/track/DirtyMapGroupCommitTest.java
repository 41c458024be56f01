package io.doppel.replication.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Writers mark their ranges ahead on their own threads ({@link DirtyMap#premark}, {@link
 * DirtyMap#awaitDurable}); the agent's {@link DirtyMap#markDurably} then forces only what is not
 * already dirty in the file.
 */
class DirtyMapGroupCommitTest {
  private static final int REGION = 1 << 20;
  private static final long VOLUME = 64L << 20;

  @Test
  void oneForceCoversEveryWriterThatMarkedAhead() throws Exception {
    Path file = Files.createTempDirectory("dm").resolve("vol.dmap");
    DirtyMap map = DirtyMap.create(file, VOLUME, REGION);
    long before = map.flushCount();
    assertThat(map.premark(0, 2 * REGION)).isTrue();
    assertThat(map.premark(2 * REGION, 2 * REGION)).isTrue();
    map.awaitDurable(0, 2 * REGION);
    map.awaitDurable(2 * REGION, 2 * REGION); // already covered by the first force
    assertThat(map.flushCount() - before).isEqualTo(1);
    // the agent's own marks find the regions durable: no force on its thread
    for (long seq = 1; seq <= 16; seq++) {
      map.markDurably((seq - 1) * (REGION / 4), REGION / 4, seq);
    }
    assertThat(map.flushCount() - before).isEqualTo(1);
    assertThat(map.premark(0, REGION)).isFalse();
    // what a crash right now leaves: every region marked ahead is dirty in the file
    DirtyMap reloaded = DirtyMap.open(file, 17);
    for (long r = 0; r < 4; r++) {
      assertThat(reloaded.isDirty(r)).isTrue();
    }
    assertThat(reloaded.isDirty(4)).isFalse();
  }

  @Test
  void aRegionClearedAndMarkedAgainIsForcedAgain() throws Exception {
    Path file = Files.createTempDirectory("dm").resolve("vol.dmap");
    DirtyMap map = DirtyMap.create(file, VOLUME, REGION);
    map.markDurably(0, 4096, 1);
    map.clearThrough(1); // lazy: the file still says dirty until the next flush
    assertThat(map.isDirty(0)).isFalse();
    long before = map.flushCount();
    map.markDurably(0, 4096, 2); // dirty in the file already: nothing to force
    assertThat(map.flushCount()).isEqualTo(before);
    map.clearThrough(2);
    map.flush(); // the clear reaches the file
    map.markDurably(0, 4096, 3);
    assertThat(map.flushCount()).isEqualTo(before + 2);
    assertThat(DirtyMap.open(file, 4).isDirty(0)).isTrue();
  }

  @Test
  void aMarkAheadThatIsClearedBeforeItsWriteIsMarkedAgainByTheWrite() throws Exception {
    Path file = Files.createTempDirectory("dm").resolve("vol.dmap");
    DirtyMap map = DirtyMap.create(file, VOLUME, REGION);
    map.markDurably(8 * REGION, 4096, 5); // seq 5 elsewhere
    map.premark(0, 4096); // stamped 5: cleared once every replica holds seq 5
    map.awaitDurable(0, 4096);
    map.clearThrough(5);
    map.flush();
    assertThat(DirtyMap.open(file, 6).isDirty(0)).isFalse();
    map.markDurably(0, 4096, 6); // the write itself, after the clear: newly dirty, forced
    assertThat(DirtyMap.open(file, 7).isDirty(0)).isTrue();
  }
}
