package io.doppel.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.replication.primary.ReplicaState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of one resource with a primary and two replicas (STYLE.md, tests level
 * 3). Invariants after every event: no record acknowledged as durable is missing from an IN_SYNC
 * replica's disk, and that disk equals the primary's state at its seq; no replica applies out of
 * order; a stale epoch is refused; new writes are never held longer than the bound. At the end,
 * with the network healed: every replica IN_SYNC, same seq, same content, same history. A failing
 * seed prints a one-line replay.
 */
class ReplicationSimulationTest {
  private static final int SEEDS = Integer.getInteger("sim.seeds", 300);

  /** What the seeds exercised, so a scenario generator that stopped reaching a path fails. */
  private static final class Tally {
    long outOfSync;
    long seedsWithOutOfSync;
    long fullSyncs;
    long copyRounds;
    long logCatchUps;
    long heldJoins;
    long primaryRestarts;

    void add(Simulation sim) {
      outOfSync += sim.outOfSyncCount();
      seedsWithOutOfSync += sim.outOfSyncCount() > 0 ? 1 : 0;
      primaryRestarts += sim.primaryRestarts;
      fullSyncs += sim.transitions(ReplicaState.FULL_SYNC, "");
      copyRounds += sim.transitions(ReplicaState.CATCHING_UP, "copying changes");
      logCatchUps += sim.transitions(ReplicaState.CATCHING_UP, "from log");
      heldJoins +=
          sim.transitions(ReplicaState.IN_SYNC, "final copy round")
              + sim.transitions(ReplicaState.IN_SYNC, "log tail drained");
    }

    @Override
    public String toString() {
      return seedsWithOutOfSync
          + " seeds with out-of-sync episodes, "
          + outOfSync
          + " episodes, "
          + fullSyncs
          + " full syncs, "
          + copyRounds
          + " copy rounds, "
          + logCatchUps
          + " log catch-ups, "
          + heldJoins
          + " held joins, "
          + primaryRestarts
          + " primary restarts";
    }
  }

  @Test
  void manySeeds() {
    List<String> failures = new ArrayList<>();
    Tally tally = new Tally();
    long started = System.nanoTime();
    for (long seed = 1; seed <= SEEDS; seed++) {
      Simulation sim = new Simulation(seed);
      String failure = sim.run();
      tally.add(sim);
      if (failure != null) {
        failures.add(
            sim.summary()
                + " -> "
                + failure
                + "\n  replay: bin/mvn -o -q -pl "
                + "replication test -Dtest=ReplicationSimulationTest#replay -Dsim.seed="
                + seed);
      }
    }
    failures.forEach(System.out::println);
    System.out.println(
        "simulation: "
            + SEEDS
            + " seeds, "
            + tally
            + ", "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
    assertThat(failures).isEmpty();
    assertThat(tally.outOfSync).isGreaterThan(SEEDS / 4);
    assertThat(tally.seedsWithOutOfSync).isGreaterThan(SEEDS / 5);
    assertThat(tally.fullSyncs).as("full syncs").isGreaterThan(SEEDS / 20);
    assertThat(tally.copyRounds).as("dirty-region copy rounds").isGreaterThan(SEEDS / 10);
    assertThat(tally.logCatchUps).as("log catch-ups").isGreaterThan(SEEDS / 10);
    assertThat(tally.heldJoins).as("joins after a bounded hold").isGreaterThan(SEEDS / 10);
    assertThat(tally.primaryRestarts).as("primary restarts").isGreaterThan(SEEDS / 10);
  }

  @Test
  void replay() {
    long seed = Long.getLong("sim.seed", 1);
    Simulation sim = new Simulation(seed);
    String failure = sim.run();
    System.out.println(sim.summary() + " -> " + (failure == null ? "ok" : failure));
    assertThat(failure).isNull();
  }
}
