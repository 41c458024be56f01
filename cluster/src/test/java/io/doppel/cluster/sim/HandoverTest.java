package io.doppel.cluster.sim;

import static io.doppel.cluster.sim.SimCluster.MS;
import static io.doppel.cluster.sim.Topology.A;
import static io.doppel.cluster.sim.Topology.B;
import static io.doppel.cluster.sim.Topology.R1;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.sim.LeaseInvariants.Acquisition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Planned handover ({@code doppel failover vs1 --to b}): the named successor holds the lease about
 * one round trip after the request, and the old (better-ranked) holder does not take it back.
 */
class HandoverTest {
  private static final int SEEDS = 20;

  /** Right after the first election: every voter is still in its start-up quiet period. */
  @ParameterizedTest
  @EnumSource(
      value = Topology.class,
      names = {"THREE_NODES", "TWO_NODES_WITNESS"})
  void handoverRightAfterStartIsImmediate(Topology t) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimCluster c = new SimCluster(seed, t.definition(), 30_000);
      long deadline = c.now() + 5_000 * MS;
      while (c.primaryOf(R1).isEmpty() && c.now() < deadline) {
        c.runFor(MS);
      }
      assertThat(c.primaryOf(R1)).as("seed %d", seed).contains(A);
      c.runFor(50 * MS);
      handOverToB(c, seed);
    }
  }

  /** Steady state, with message loss: resending the release still moves the role promptly. */
  @ParameterizedTest
  @EnumSource(
      value = Topology.class,
      names = {"THREE_NODES", "TWO_NODES_WITNESS"})
  void handoverInSteadyStateIsImmediate(Topology t) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimCluster c = new SimCluster(seed, t.definition(), 30_000);
      c.runFor(5_000 * MS);
      assertThat(c.primaryOf(R1)).as("seed %d", seed).contains(A);
      handOverToB(c, seed);
      c.network.lossRate = 0.2;
      var b = c.member(B);
      long t0 = c.now();
      assertThat(b.agent.requestFailover(R1, Optional.of(A), b.localNow())).isTrue();
      c.runFor(1_500 * MS);
      List<Acquisition> next = acquisitionsAfter(c, t0);
      assertThat(next).as("seed %d, 20%% loss", seed).isNotEmpty();
      assertThat(next.get(0).node()).isEqualTo(A);
    }
  }

  private static void handOverToB(SimCluster c, long seed) {
    var a = c.member(A);
    long t0 = c.now();
    assertThat(a.agent.requestFailover(R1, Optional.of(B), a.localNow())).isTrue();
    c.runFor(200 * MS);
    assertThat(c.primaryOf(R1)).as("seed %d: holder 200 ms after the request", seed).contains(B);
    c.runFor(5_000 * MS);
    assertThat(acquisitionsAfter(c, t0))
        .as("seed %d: nobody but b acquires after the request", seed)
        .extracting(Acquisition::node)
        .containsExactly(B);
    long took = acquisitionsAfter(c, t0).get(0).realNanos() - t0;
    assertThat(took).isLessThan(200 * MS);
  }

  private static List<Acquisition> acquisitionsAfter(SimCluster c, long t) {
    return c.invariants.acquisitions.stream()
        .filter(x -> x.resource().equals(R1) && x.realNanos() > t)
        .toList();
  }
}
