package io.doppel.cluster.sim;

import static io.doppel.cluster.sim.SimCluster.MS;
import static io.doppel.cluster.sim.Topology.A;
import static io.doppel.cluster.sim.Topology.B;
import static io.doppel.cluster.sim.Topology.C;
import static io.doppel.cluster.sim.Topology.NET;
import static io.doppel.cluster.sim.Topology.R1;
import static io.doppel.cluster.sim.Topology.R2;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.sim.LeaseInvariants.Acquisition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The failure stories of issue 4, each told once on the simulated cluster (drift 3%). */
class ScenarioTest {
  private static SimCluster started(Topology t, long seed) {
    SimCluster c = new SimCluster(seed, t.definition(), 30_000);
    c.runFor(5_000 * MS);
    return c;
  }

  private static List<Acquisition> acquisitionsAfter(SimCluster c, ResourceId r, long t) {
    return c.invariants.acquisitions.stream()
        .filter(a -> a.resource().equals(r) && a.realNanos() > t)
        .toList();
  }

  @Test
  void startsWithPreferredPrimaries() {
    SimCluster c = started(Topology.THREE_NODES, 1);
    assertThat(c.primaryOf(R1)).contains(A);
    assertThat(c.primaryOf(R2)).contains(C);
  }

  @Test
  void oneSilentLinkIsALinkFaultWithoutFailover() {
    SimCluster c = started(Topology.THREE_NODES, 2);
    Epoch before = c.member(A).agent.epoch(R1);
    long t0 = c.now();
    c.cutLink(A, B, NET);
    c.runFor(5_000 * MS);
    assertThat(c.eventsOf(ClusterEvent.LinkFault.class))
        .contains(new ClusterEvent.LinkFault(A, B, NET), new ClusterEvent.LinkFault(B, A, NET));
    assertThat(c.eventsOf(ClusterEvent.NodeDown.class)).isEmpty();
    assertThat(acquisitionsAfter(c, R1, t0)).isEmpty();
    assertThat(c.primaryOf(R1)).contains(A);
    assertThat(c.member(A).agent.epoch(R1)).isEqualTo(before);
    c.restoreLink(A, B, NET);
    c.runFor(2_000 * MS);
    assertThat(c.eventsOf(ClusterEvent.LinkRestored.class))
        .contains(new ClusterEvent.LinkRestored(A, B, NET));
  }

  @Test
  void isolatedPrimaryStopsBeforeTheSuccessorStarts() {
    SimCluster c = started(Topology.THREE_NODES, 3);
    long t0 = c.now();
    c.isolate(A);
    c.runFor(10_000 * MS);
    List<Acquisition> next = acquisitionsAfter(c, R1, t0);
    assertThat(next).isNotEmpty();
    Acquisition successor = next.get(0);
    assertThat(successor.node()).isEqualTo(B); // next in the chain [a, b, c]
    long oldEnd = c.invariants.believedEnd(A, R1);
    assertThat(oldEnd).as("old holder's lease end").isLessThan(successor.realNanos());
    assertThat(c.eventsOf(ClusterEvent.LeaseLost.class))
        .anyMatch(e -> e.reporter().equals(A) && e.resource().equals(R1));
    System.out.printf(
        "isolated primary: lease ended %d ms after isolation, successor at %d ms (gap %d ms)%n",
        (oldEnd - t0) / MS,
        (successor.realNanos() - t0) / MS,
        (successor.realNanos() - oldEnd) / MS);
  }

  @Test
  void crashedPrimaryIsReplacedWithinSuspectPlusLease() {
    SimCluster c = started(Topology.THREE_NODES, 4);
    long t0 = c.now();
    c.crash(A);
    c.runFor(10_000 * MS);
    Acquisition successor = acquisitionsAfter(c, R1, t0).get(0);
    long took = successor.realNanos() - t0;
    var t = c.definition.timings();
    assertThat(took).isLessThan(t.suspectTimeoutNanos() + t.leaseDurationNanos() + 500 * MS);
    assertThat(c.eventsOf(ClusterEvent.MachineFailed.class))
        .contains(new ClusterEvent.MachineFailed(B, A, List.of(R1)));
    assertThat(c.member(B).store.load().get(R1).waitForRecovery()).isTrue();
    System.out.printf("crash to takeover: %d ms%n", took / MS);
  }

  @Test
  void gracefulShutdownHandsOverWithoutAlarm() {
    SimCluster c = started(Topology.TWO_NODES_WITNESS, 5);
    assertThat(c.primaryOf(R1)).contains(A);
    long t0 = c.now();
    c.shutdown(A);
    c.runFor(3_000 * MS);
    assertThat(c.eventsOf(ClusterEvent.PartnerShutdown.class))
        .contains(new ClusterEvent.PartnerShutdown(B, A));
    assertThat(c.eventsOf(ClusterEvent.NodeDown.class)).isEmpty();
    assertThat(c.eventsOf(ClusterEvent.MachineFailed.class)).isEmpty();
    Acquisition next = acquisitionsAfter(c, R1, t0).get(0);
    assertThat(next.node()).isEqualTo(B);
    assertThat(next.realNanos() - t0).isLessThan(500 * MS);
  }

  @Test
  void twoNodesWithoutWitnessNeverPromoteOnTotalLoss() {
    SimCluster c = started(Topology.TWO_NODES, 6);
    assertThat(c.primaryOf(R1)).contains(A);
    long t0 = c.now();
    c.isolate(A);
    c.runFor(20_000 * MS);
    assertThat(acquisitionsAfter(c, R1, t0)).isEmpty();
    // The primary renews on its own vote: losing its secondary does not stop it (seed 004).
    assertThat(c.primaryOf(R1)).contains(A);
    assertThat(c.eventsOf(ClusterEvent.FailoverNotConfigured.class))
        .contains(new ClusterEvent.FailoverNotConfigured(B, R1, A));
    c.crash(A);
    c.runFor(20_000 * MS);
    assertThat(c.primaryOf(R1)).isEmpty();
  }

  @Test
  void twoNodesWithWitnessPromote() {
    SimCluster c = started(Topology.TWO_NODES_WITNESS, 7);
    long t0 = c.now();
    c.isolate(A);
    c.runFor(10_000 * MS);
    assertThat(acquisitionsAfter(c, R1, t0)).extracting(Acquisition::node).contains(B);
    assertThat(c.primaryOf(R1)).contains(B);
    assertThat(c.member(B).agent.keeperOf(R1).orElseThrow().promotedBy()).contains(Topology.W);
  }

  @Test
  void twoNodesWithFencingPromoteOnlyAfterFencing() {
    SimCluster c = started(Topology.TWO_NODES_FENCING, 8);
    c.isolate(A);
    c.runFor(10_000 * MS);
    assertThat(c.primaryOf(R1)).contains(B);
    assertThat(c.member(A).up()).as("fenced (powered off)").isFalse();
  }

  @Test
  void failedFencingMeansNoPromotion() {
    SimCluster c = started(Topology.TWO_NODES_FENCING, 9);
    c.fenceSuccessRate = 0;
    c.isolate(A);
    c.runFor(10_000 * MS);
    assertThat(c.primaryOf(R1)).contains(A);
    assertThat(c.eventsOf(ClusterEvent.FencingFailed.class)).isNotEmpty();
  }

  @Test
  void chainPrioritiesAndFailback() {
    SimCluster c = started(Topology.THREE_NODES, 10);
    c.crash(A);
    c.crash(C);
    c.runFor(10_000 * MS);
    assertThat(c.primaryOf(R1)).isEmpty(); // b alone is no majority of three
    c.restart(C);
    c.runFor(10_000 * MS);
    assertThat(c.primaryOf(R1)).contains(B); // a is down: b is the first healthy node
    assertThat(c.primaryOf(R2)).isPresent();
    Optional<NodeId> r2Before = c.primaryOf(R2);
    c.restart(A);
    c.runFor(10_000 * MS);
    assertThat(c.primaryOf(R1)).as("failback to the preferred node").contains(A);
    assertThat(c.primaryOf(R2)).as("R2 has no failback").isEqualTo(r2Before);
  }

  @Test
  void manualFailoverAndMaintenance() {
    SimCluster c = started(Topology.THREE_NODES, 11);
    var a = c.member(A);
    assertThat(a.agent.requestFailover(R1, Optional.of(C), a.localNow())).isTrue();
    c.runFor(5_000 * MS);
    assertThat(c.primaryOf(R1)).contains(C);
    c.runFor(10_000 * MS);
    assertThat(c.primaryOf(R1)).as("a manual move is not undone by failback").contains(C);
    var cm = c.member(C);
    cm.agent.maintenance(true, cm.localNow());
    c.runFor(5_000 * MS);
    assertThat(c.primaryOf(R1)).isPresent().isNotEqualTo(Optional.of(C));
    assertThat(c.primaryOf(R2)).isPresent().isNotEqualTo(Optional.of(C));
  }

  @Test
  void restartedPrimaryReacquiresInANewEpoch() {
    SimCluster c = started(Topology.THREE_NODES, 12);
    Epoch before = c.member(A).agent.epoch(R1);
    c.crash(A);
    c.runFor(100 * MS);
    c.restart(A);
    assertThat(c.member(A).agent.isPrimary(R1, c.member(A).localNow())).isFalse();
    c.runFor(10_000 * MS);
    Optional<NodeId> p = c.primaryOf(R1);
    assertThat(p).isPresent();
    assertThat(c.member(p.get()).agent.epoch(R1)).isGreaterThan(before);
  }
}
