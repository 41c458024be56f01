package io.doppel.replication.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The dirty map against a model: in memory it is exactly the marked-and-not-cleared regions; a
 * reload (a crash: no flush beforehand) never loses a region that was marked durably and not
 * cleared, and resurrects at most regions whose clear was not flushed yet.
 */
class DirtyMapProperties {
  private static final int REGION = 4096;
  private static final int REGIONS = 40;
  private static final long VOLUME = (long) REGIONS * REGION - 100; // last region is partial

  @Property(tries = 60)
  void markClearPersistReload(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 999) Integer> ops) throws IOException {
    Path dir = Files.createTempDirectory("dirtymap");
    Path file = dir.resolve("vol.dmap");
    DirtyMap map = DirtyMap.create(file, VOLUME, REGION);
    Map<Long, Long> model = new HashMap<>();
    Set<Long> clearedUnflushed = new HashSet<>();
    Set<Long> reloadedModel = new HashSet<>();
    long seq = 0;
    for (int v : ops) {
      long region = (v / 10) % REGIONS;
      switch (v % 10) {
        case 0, 1, 2, 3, 4, 5 -> {
          seq++;
          map.markDurably(region * REGION, Math.min(REGION, VOLUME - region * REGION), seq);
          model.put(region, seq);
          reloadedModel.remove(region);
          clearedUnflushed.remove(region);
        }
        case 6 -> {
          seq++;
          long start = Math.min(region, REGIONS - 3) * REGION + 17;
          map.markDurably(start, 2L * REGION, seq);
          for (long r = start / REGION; r <= (start + 2L * REGION - 1) / REGION; r++) {
            model.put(r, seq);
            reloadedModel.remove(r);
            clearedUnflushed.remove(r);
          }
        }
        case 7 -> {
          long through = Math.max(0, seq - (v / 10) % 5);
          map.clearThrough(through);
          clearModel(model, clearedUnflushed, through);
          reloadedModel.retainAll(model.keySet());
        }
        case 8 -> {
          map.flush();
          clearedUnflushed.clear();
        }
        default -> {
          // crash: reopen without flushing
          DirtyMap reloaded = DirtyMap.open(file, seq + 1);
          Set<Long> dirty = set(reloaded.dirtyRegions());
          assertThat(dirty).containsAll(model.keySet());
          Set<Long> allowed = new HashSet<>(model.keySet());
          allowed.addAll(clearedUnflushed);
          assertThat(allowed).containsAll(dirty);
          map = reloaded;
          model.clear();
          reloadedModel.clear();
          reloadedModel.addAll(dirty);
          for (long r : dirty) {
            model.put(r, seq + 1);
          }
          clearedUnflushed.clear();
        }
      }
      checkAgainstModel(map, model, reloadedModel, seq);
    }
    map.close();
  }

  private static void clearModel(Map<Long, Long> model, Set<Long> clearedUnflushed, long through) {
    if (through == 0) {
      return;
    }
    model
        .entrySet()
        .removeIf(
            e -> {
              boolean clear = e.getValue() <= through;
              if (clear) {
                clearedUnflushed.add(e.getKey());
              }
              return clear;
            });
  }

  private static void checkAgainstModel(
      DirtyMap map, Map<Long, Long> model, Set<Long> reloadedModel, long seq) {
    assertThat(set(map.dirtyRegions())).isEqualTo(model.keySet());
    assertThat(map.dirtyBytes()).isEqualTo(bytes(model.keySet()));
    for (long after : new long[] {0, seq / 2, seq}) {
      Set<Long> expected = new HashSet<>(reloadedModel);
      model.forEach(
          (r, stamp) -> {
            if (stamp > after) {
              expected.add(r);
            }
          });
      assertThat(set(map.regionsDirtyAfter(after))).isEqualTo(expected);
    }
  }

  private static Set<Long> set(long[] regions) {
    Set<Long> s = new HashSet<>();
    for (long r : regions) {
      s.add(r);
    }
    return s;
  }

  private static long bytes(Set<Long> regions) {
    long total = 0;
    for (long r : regions) {
      total += Math.min(REGION, VOLUME - r * REGION);
    }
    return total;
  }
}
