package io.doppel.replication.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.history.TailClaim;
import io.doppel.replication.track.DirtyMap;
import io.doppel.replication.track.DirtyMapChangeTracker;
import io.doppel.replication.track.DirtyRegionCopySource;
import io.doppel.replication.track.ResyncPlanner;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A new primary meets the former primary as a replica (REPLICATION.md "Who is newer", {@link
 * TailClaim}): an unacknowledged tail is copied over, anything else stays a split brain.
 */
class TailClaimAdoptionTest {
  private static final String RES = "vol";
  private static final long MS = 1_000_000L;
  private static final int REGION = 4096;
  private static final long VOLUME = 64L * REGION;
  private final PrimaryConfig config =
      new PrimaryConfig(1 << 20, 1 << 16, 100 * MS, 10 * MS, 20 * MS, 0, 5 * MS, REGION, 0);
  private final List<ReplicationMessage> sent = new ArrayList<>();
  private final List<ReplicationEvent> events = new ArrayList<>();
  private PrimaryStream stream;
  private long now;

  /**
   * New primary in epoch 2 that took over at seq 10 of epoch 1 and wrote 11..15 to regions 1..5.
   */
  private void newPrimary() {
    History history = History.EMPTY;
    for (long s = 1; s <= 10; s++) {
      history = history.append(1, s);
    }
    for (long s = 11; s <= 15; s++) {
      history = history.append(2, s);
    }
    DirtyMap map = DirtyMap.volatileMap(VOLUME, REGION);
    for (long s = 11; s <= 15; s++) {
      map.mark((s - 10) * REGION, 100, s);
    }
    stream =
        new PrimaryStream(
            RES,
            2,
            history,
            config,
            new DirtyMapChangeTracker(map),
            null,
            new DirtyRegionCopySource(
                map,
                new ResyncPlanner(REGION, 0),
                (task, epoch, basis) ->
                    Record.of(
                        RES,
                        epoch,
                        basis,
                        77,
                        ByteBuffer.allocate(16)
                            .putLong(task.offset())
                            .putLong(task.length())
                            .array())),
            new PrimaryStats(new MetricRegistry(), RES),
            events::add);
    stream.addReplica("a", sent::add, now);
    stream.onConnected("a", now);
  }

  private static History epochOneThrough(long last) {
    History h = History.EMPTY;
    for (long s = 1; s <= last; s++) {
      h = h.append(1, s);
    }
    return h;
  }

  private void hello(History history, Optional<TailClaim> tail) {
    stream.onMessage("a", new ReplicationMessage.Hello(RES, 2, history, false, tail), now);
    for (int i = 0; i < 5; i++) {
      now += MS;
      stream.doWork(now);
    }
  }

  /** Regions the stream started copying to the replica. */
  private TreeSet<Long> copiedRegions() {
    TreeSet<Long> regions = new TreeSet<>();
    for (ReplicationMessage m : sent) {
      if (m instanceof ReplicationMessage.CopyChunk c) {
        ByteBuffer b = ByteBuffer.wrap(c.record().payload());
        long off = b.getLong();
        long len = b.getLong();
        for (long r = off / REGION; r < (off + len) / REGION; r++) {
          regions.add(r);
        }
      }
    }
    return regions;
  }

  private static TailClaim claim(long epoch, List<String> degraded, long... regions) {
    return new TailClaim(epoch, degraded, TailClaim.ranges(regions, REGION, VOLUME));
  }

  @Test
  void anUnacknowledgedForkingTailIsCopiedOverNotCalledASplitBrain() {
    newPrimary();
    // the former primary applied 11 and 12 of epoch 1 (regions 40, 41) that never reached us
    hello(epochOneThrough(12), Optional.of(claim(1, List.of(), 40, 41)));
    assertThat(stream.state("a")).isEqualTo(ReplicaState.CATCHING_UP);
    assertThat(copiedRegions()).containsExactly(1L, 2L, 3L, 4L, 5L, 40L, 41L);
    assertThat(events).noneMatch(e -> e instanceof ReplicationEvent.SplitBrain);
  }

  @Test
  void aStalePersistedHistoryStillGetsItsTailCopied() {
    newPrimary();
    // its persisted history lags (saved at flushes): it looks behind, but its image is not
    hello(epochOneThrough(7), Optional.of(claim(1, List.of(), 50)));
    assertThat(stream.state("a")).isEqualTo(ReplicaState.CATCHING_UP);
    assertThat(copiedRegions()).contains(50L, 1L, 5L);
  }

  @Test
  void aTailWrittenWithoutAnInSyncReplicaIsASplitBrain() {
    newPrimary();
    hello(epochOneThrough(12), Optional.of(claim(1, List.of("b"), 40)));
    assertThat(stream.state("a")).isEqualTo(ReplicaState.DIVERGED);
    assertThat(events).anyMatch(e -> e instanceof ReplicationEvent.SplitBrain);
    assertThat(copiedRegions()).isEmpty();
  }

  @Test
  void evenAPrefixHistoryIsRefusedWhenTheFormerPrimaryRanDegraded() {
    newPrimary();
    hello(epochOneThrough(7), Optional.of(claim(1, List.of("b"), 40)));
    assertThat(stream.state("a")).isEqualTo(ReplicaState.DIVERGED);
  }

  @Test
  void aForkWithoutAClaimStaysASplitBrain() {
    newPrimary();
    hello(epochOneThrough(12), Optional.empty());
    assertThat(stream.state("a")).isEqualTo(ReplicaState.DIVERGED);
    assertThat(copiedRegions()).isEmpty();
  }

  @Test
  void aClaimForAnEpochNotOlderThanOursIsIgnored() {
    newPrimary();
    hello(epochOneThrough(12), Optional.of(claim(2, List.of(), 40)));
    assertThat(stream.state("a")).isEqualTo(ReplicaState.DIVERGED);
  }
}
