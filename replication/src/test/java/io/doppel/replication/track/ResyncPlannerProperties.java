package io.doppel.replication.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Plans cover exactly the dirty regions (clipped to the volume), no task over its limit. */
class ResyncPlannerProperties {

  @Property(tries = 300)
  void planCoversExactlyTheDirtyRegions(
      @ForAll @Size(max = 200) Set<@IntRange(min = 0, max = 255) Integer> dirty,
      @ForAll @IntRange(min = 12, max = 14) int regionShift,
      @ForAll @IntRange(min = 1, max = 40) int maxTaskUnits,
      @ForAll @IntRange(min = 0, max = 4095) int tailShortBy) {
    int regionBytes = 1 << regionShift;
    long volume = 256L * regionBytes - tailShortBy;
    long maxTask = (long) maxTaskUnits * 3000; // deliberately not a multiple of the region size
    ResyncPlanner planner = new ResyncPlanner(maxTask, 0);
    long[] regions = dirty.stream().mapToLong(Integer::longValue).sorted().toArray();
    List<CopyTask> tasks = planner.planRegions(regions, regionBytes, volume);

    BitSet expected = new BitSet();
    for (long r : regions) {
      expected.set((int) (r * regionBytes), (int) Math.min((r + 1) * regionBytes, volume));
    }
    BitSet covered = new BitSet();
    long previousEnd = -1;
    for (CopyTask t : tasks) {
      assertThat(t.length()).isPositive().isLessThanOrEqualTo(maxTask);
      assertThat(t.offset()).isGreaterThanOrEqualTo(previousEnd); // ascending, no overlap
      assertThat(t.end()).isLessThanOrEqualTo(volume);
      covered.set((int) t.offset(), (int) t.end());
      previousEnd = t.end();
    }
    assertThat(covered).isEqualTo(expected);
    assertThat(ResyncPlanner.bytes(tasks)).isEqualTo(expected.cardinality());
  }

  @Property(tries = 100)
  void fullPlanCoversTheVolume(
      @ForAll @IntRange(min = 1, max = 10_000_000) int volume,
      @ForAll @IntRange(min = 1, max = 3_000_000) int maxTask) {
    List<CopyTask> tasks = new ResyncPlanner(maxTask, 0).planAll(volume);
    assertThat(ResyncPlanner.bytes(tasks)).isEqualTo(volume);
    assertThat(tasks).allMatch(t -> t.length() <= maxTask);
    assertThat(tasks.get(tasks.size() - 1).end()).isEqualTo(volume);
  }
}
