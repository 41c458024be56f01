package io.doppel.cluster.sim;

/** Prints the events of one run (a developer aid: {@code -Ddoppel.sim.debug=true} on replay). */
final class SimDebug {
  private SimDebug() {}

  static void dump(SimCluster c) {
    for (SimCluster.Emitted e : c.events) {
      System.out.println((e.realNanos() / SimCluster.MS) + "ms " + e.event());
    }
  }
}
