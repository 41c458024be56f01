package io.doppel.nfs.drc;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.nfs.ManualClock;
import io.doppel.rpc.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DuplicateRequestCacheTest {
  final ManualClock clock = new ManualClock();
  final MetricRegistry metrics = new MetricRegistry();

  static DrcKey key(int xid, long digest) {
    return new DrcKey(
        new InetSocketAddress("10.0.0.1", 700), Transport.TCP, xid, 100003, 3, 12, digest, 40);
  }

  DuplicateRequestCache cache(int maxEntries, long maxBytes) {
    return new DuplicateRequestCache(
        new DrcLimits(maxEntries, maxBytes, Duration.ofSeconds(120)), clock, metrics);
  }

  @Test
  void inProgressDuplicateIsDroppedAndCompletedOneReplaysIdenticalBytes() {
    DuplicateRequestCache drc = cache(100, 1 << 20);
    assertThat(drc.begin(key(1, 9))).isInstanceOf(DrcLookup.Miss.class);
    assertThat(drc.state(key(1, 9))).contains(DrcState.IN_PROGRESS);
    assertThat(drc.begin(key(1, 9))).isInstanceOf(DrcLookup.InProgress.class);
    assertThat(drc.stats().inProgressDrops()).isEqualTo(1);

    byte[] reply = {0, 0, 0, 2, 1, 2, 3, 4};
    DrcEntry entry = drc.complete(key(1, 9), reply);
    assertThat(entry.completedAt()).isEqualTo(clock.instant());
    assertThat(drc.state(key(1, 9))).contains(DrcState.DONE);
    DrcLookup again = drc.begin(key(1, 9));
    assertThat(again).isInstanceOf(DrcLookup.Replay.class);
    assertThat(((DrcLookup.Replay) again).reply()).isEqualTo(reply);
    assertThat(drc.stats().hits()).isEqualTo(1);
    assertThat(metrics.scrape()).contains("doppel_nfs_drc_hits_total 1");
  }

  @Test
  void anyDifferenceInTheKeyIsAMiss() {
    DuplicateRequestCache drc = cache(100, 1 << 20);
    drc.begin(key(1, 9));
    drc.complete(key(1, 9), new byte[4]);
    assertThat(drc.begin(key(1, 10))).as("other digest").isInstanceOf(DrcLookup.Miss.class);
    assertThat(drc.begin(key(2, 9))).as("other xid").isInstanceOf(DrcLookup.Miss.class);
    DrcKey otherPort =
        new DrcKey(new InetSocketAddress("10.0.0.1", 701), Transport.TCP, 1, 100003, 3, 12, 9, 40);
    assertThat(drc.begin(otherPort)).as("other port").isInstanceOf(DrcLookup.Miss.class);
    DrcKey udp =
        new DrcKey(new InetSocketAddress("10.0.0.1", 700), Transport.UDP, 1, 100003, 3, 12, 9, 40);
    assertThat(drc.begin(udp)).as("other transport").isInstanceOf(DrcLookup.Miss.class);
    assertThat(drc.stats().hits()).isZero();
  }

  @Test
  void completedEntriesLiveAtLeastMinAgeThenExpire() {
    DuplicateRequestCache drc = cache(100, 1 << 20);
    drc.begin(key(1, 1));
    drc.complete(key(1, 1), new byte[8]);
    clock.advance(Duration.ofSeconds(119));
    drc.begin(key(2, 2)); // triggers pruning
    assertThat(drc.state(key(1, 1))).contains(DrcState.DONE);
    clock.advance(Duration.ofSeconds(2));
    drc.begin(key(3, 3));
    assertThat(drc.state(key(1, 1))).isEmpty();
    assertThat(drc.stats().evictions()).isEqualTo(1);
    assertThat(drc.bytes()).isZero();
  }

  @Test
  void boundsEvictLeastRecentlyUsedDoneEntriesButNeverInProgressOnes() {
    DuplicateRequestCache drc = cache(3, 1 << 20);
    for (int xid = 1; xid <= 3; xid++) {
      drc.begin(key(xid, 0));
      drc.complete(key(xid, 0), new byte[4]);
    }
    drc.begin(key(1, 0)); // replay: 1 becomes most recently used
    drc.begin(key(4, 0)); // in progress, over the entry bound: evicts 2 (LRU)
    assertThat(drc.state(key(2, 0))).isEmpty();
    assertThat(drc.state(key(1, 0))).contains(DrcState.DONE);
    assertThat(drc.state(key(4, 0))).contains(DrcState.IN_PROGRESS);
    assertThat(drc.size()).isEqualTo(3);
  }

  @Test
  void byteBoundEvicts() {
    DuplicateRequestCache drc = cache(100, 10);
    drc.begin(key(1, 0));
    drc.complete(key(1, 0), new byte[8]);
    drc.begin(key(2, 0));
    drc.complete(key(2, 0), new byte[8]);
    assertThat(drc.state(key(1, 0))).isEmpty();
    assertThat(drc.state(key(2, 0))).contains(DrcState.DONE);
    assertThat(drc.bytes()).isEqualTo(8);
    assertThat(drc.stats().evictions()).isEqualTo(1);
  }

  @Test
  void abandonedRequestIsForgotten() {
    DuplicateRequestCache drc = cache(100, 1 << 20);
    drc.begin(key(1, 0));
    drc.abandon(key(1, 0));
    assertThat(drc.begin(key(1, 0))).isInstanceOf(DrcLookup.Miss.class);
  }
}
