package io.doppel.cluster.sim;

import static io.doppel.cluster.sim.SimCluster.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceSpec;
import io.doppel.cluster.sim.SimCluster.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Hundreds of seeded runs of the production agents under random faults: loss, duplication,
 * delay/reordering, one-way and per-link cuts, isolation, crashes, restarts, graceful shutdowns,
 * maintenance, manual failovers, clock drift up to 3% (the configured 100 ms bound over a 1.5 s
 * lease allows 6.6%). Safety is checked after every event ({@link LeaseInvariants}); after the
 * fault phase the network heals and every resource must have a primary within {@link
 * #LIVENESS_BOUND_NANOS}. A failure prints a one-line replay.
 */
class ClusterSimulationTest {
  static final int SEEDS_PER_TOPOLOGY = Integer.getInteger("doppel.sim.seeds", 75);
  static final long FAULT_PHASE_NANOS = 30_000 * MS;
  static final long LIVENESS_BOUND_NANOS = 15_000 * MS;
  static final long DRIFT_PPM = 30_000;

  @TestFactory
  Stream<DynamicTest> randomFaults() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Topology t : Topology.values()) {
      for (int i = 0; i < SEEDS_PER_TOPOLOGY; i++) {
        long seed = 1000L * t.ordinal() + i;
        tests.add(DynamicTest.dynamicTest(t + " seed=" + seed, () -> runReplayable(seed, t)));
      }
    }
    return tests.stream();
  }

  /** Replays one run: {@code -Ddoppel.sim.seed=N -Ddoppel.sim.topology=T}. */
  @Test
  void replay() {
    String seed = System.getProperty("doppel.sim.seed");
    Assumptions.assumeTrue(seed != null, "set -Ddoppel.sim.seed to replay a run");
    Topology t = Topology.valueOf(System.getProperty("doppel.sim.topology", "THREE_NODES"));
    replay(Long.parseLong(seed), t);
  }

  static void replay(long seed, Topology topology) {
    run(seed, topology);
  }

  static void runReplayable(long seed, Topology t) {
    try {
      run(seed, t);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "replay: ClusterSimulationTest.replay(seed="
              + seed
              + ", topology="
              + t
              + ") [-Ddoppel.sim.seed="
              + seed
              + " -Ddoppel.sim.topology="
              + t
              + " -Dtest=ClusterSimulationTest#replay] "
              + e.getMessage(),
          e);
    }
  }

  static void run(long seed, Topology topology) {
    SimCluster c = new SimCluster(seed, topology.definition(), DRIFT_PPM);
    SplittableRandom chaos = new SplittableRandom(seed ^ 0x5DEECE66DL);
    c.network.lossRate = chaos.nextInt(3) == 0 ? 0 : chaos.nextDouble(0.15);
    c.network.maxDelayNanos = (1 + chaos.nextInt(40)) * MS;
    c.fenceSuccessRate = 0.8;
    for (long at = 300 * MS + chaos.nextLong(2500 * MS);
        at < FAULT_PHASE_NANOS;
        at += 300 * MS + chaos.nextLong(2500 * MS)) {
      c.scheduler.at(at, () -> randomFault(c, chaos));
    }
    c.runUntil(FAULT_PHASE_NANOS);
    heal(c);
    long healedAt = c.now();
    c.runUntil(healedAt + LIVENESS_BOUND_NANOS);
    if (Boolean.getBoolean("doppel.sim.debug")) {
      SimDebug.dump(c);
    }
    for (ResourceSpec r : c.definition.resources()) {
      Optional<NodeId> p = c.primaryOf(r.id());
      assertThat(p)
          .as(
              "liveness: %s has a primary %d ms after healing [%s]",
              r.id(), LIVENESS_BOUND_NANOS / MS, c.describe())
          .isPresent();
    }
  }

  private static void heal(SimCluster c) {
    c.healed = true;
    c.network.healAll();
    c.network.lossRate = 0;
    for (Member m : c.members.values()) {
      if (!m.up()) {
        c.restart(m.id);
      } else if (m.agent.inMaintenance()) {
        m.agent.maintenance(false, m.localNow());
      }
    }
  }

  private static void randomFault(SimCluster c, SplittableRandom chaos) {
    List<Member> all = new ArrayList<>(c.members.values());
    Member m = all.get(chaos.nextInt(all.size()));
    Member o = all.get(chaos.nextInt(all.size()));
    var links = new ArrayList<>(c.definition.member(m.id).links().keySet());
    var link = links.get(chaos.nextInt(links.size()));
    int roll = chaos.nextInt(100);
    if (roll < 12) {
      c.crash(m.id);
    } else if (roll < 32) {
      c.restart(m.id);
    } else if (roll < 42) {
      c.isolate(m.id);
    } else if (roll < 54) {
      c.network.cut(m.id, o.id, link);
    } else if (roll < 66) {
      c.cutLink(m.id, o.id, link);
    } else if (roll < 80) {
      c.network.healAll();
    } else if (roll < 86) {
      c.shutdown(m.id);
    } else if (roll < 92) {
      c.network.lossRate = chaos.nextInt(2) == 0 ? 0 : chaos.nextDouble(0.3);
    } else if (roll < 96) {
      if (m.up()) {
        m.agent.maintenance(!m.agent.inMaintenance(), m.localNow());
      }
    } else if (m.up()) {
      ResourceSpec r = c.definition.resources().get(chaos.nextInt(c.definition.resources().size()));
      Optional<NodeId> to = chaos.nextBoolean() ? Optional.of(o.id) : Optional.empty();
      m.agent.requestFailover(r.id(), to, m.localNow());
    }
  }
}
