package io.doppel.server.cli;

import io.doppel.block.mirror.MirrorStatus;
import io.doppel.server.admin.AdminActions;
import io.doppel.server.admin.ClusterStatus;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.node.DoppelNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The scripted failover of {@code doppel demo}: shows who holds {@code vs1}, asks the holder to
 * hand it to the other node through the same call {@code doppel failover vs1 --to NODE} makes
 * ({@code POST /failover} ends in {@link io.doppel.server.node.ClusterWiring#failover}), waits for
 * the move and shows the status again, plus the mirrored volume's replica states.
 */
final class DemoFailover {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final long POLL_NANOS = 20_000_000;
  private static final int ATTEMPTS = 3;

  private final DemoCluster demo;
  private final PrintWriter out;

  DemoFailover(DemoCluster demo, PrintWriter out) {
    this.demo = demo;
    this.out = out;
  }

  /** Waits for a holder, moves vs1 to the other node and reports; true when the move happened. */
  boolean run() {
    out.println("Scripted failover of virtual server " + DemoCluster.VIRTUAL_SERVER + ":");
    Optional<String> first = awaitHolder(h -> !h.isEmpty());
    if (first.isEmpty()) {
      out.println(
          "failover: FAILED: no node took "
              + DemoCluster.VIRTUAL_SERVER
              + " within "
              + DEADLINE.toSeconds()
              + " s");
      return false;
    }
    String from = first.get();
    String to = from.equals("a") ? "b" : "a";
    printStatus();
    long start = System.nanoTime();
    Optional<String> now = Optional.empty();
    for (int attempt = 1; attempt <= ATTEMPTS && now.isEmpty(); attempt++) {
      String holder = holder();
      if (!move(holder.isEmpty() ? from : holder, to)) {
        return false;
      }
      // The old holder may win the role back when the successor's candidacy is refused (a race
      // in the lease hand-over); then ask again.
      now = awaitHolder(h -> !h.isEmpty()).filter(to::equals);
      if (now.isEmpty() && attempt < ATTEMPTS) {
        out.println(
            "  " + holder() + " took " + DemoCluster.VIRTUAL_SERVER + " back; asking again");
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    printStatus();
    if (now.isEmpty()) {
      out.println(
          "failover: FAILED: "
              + to
              + " did not take "
              + DemoCluster.VIRTUAL_SERVER
              + " within "
              + ATTEMPTS
              + " attempts");
      return false;
    }
    out.println(
        "failover: completed in "
            + ms
            + " ms: "
            + DemoCluster.VIRTUAL_SERVER
            + " moved from "
            + from
            + " to "
            + to
            + " (holder "
            + to
            + ")");
    out.println(
        "  note: the file face fails over the address, not yet the data (each node has"
            + " its own /demo; NFS replication is not built yet). The block volume is mirrored.");
    out.println();
    out.flush();
    return true;
  }

  /** Asks {@code from} to hand vs1 to {@code to}, as {@code doppel failover} would. */
  private boolean move(String from, String to) {
    out.println(
        "$ doppel failover "
            + DemoCluster.VIRTUAL_SERVER
            + " --to "
            + to
            + " --admin http://127.0.0.1:"
            + demo.node(from).adminPort());
    out.flush();
    AdminActions.Result r =
        demo.node(from)
            .cluster()
            .orElseThrow()
            .failover(DemoCluster.VIRTUAL_SERVER, Optional.of(to));
    out.println("  " + r.status() + " " + r.message());
    if (r.status() != 200) {
      out.println("failover: FAILED: " + from + " refused");
      return false;
    }
    return true;
  }

  /** The node that carries vs1's address (per its own status) once {@code want} accepts it. */
  private Optional<String> awaitHolder(java.util.function.Predicate<String> want) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      String h = holder();
      if (want.test(h)) {
        return Optional.of(h);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return Optional.empty();
  }

  /** The one node that is PRIMARY for vs1 and carries its address, "" for none or several. */
  String holder() {
    String found = "";
    for (String n : DemoCluster.NODES) {
      ClusterStatus.ResourceStatus vs = vs1(demo.node(n));
      if (vs != null && vs.role().equals("PRIMARY") && vs.addressHeld()) {
        if (!found.isEmpty()) {
          return "";
        }
        found = n;
      }
    }
    return found;
  }

  private static ClusterStatus.ResourceStatus vs1(DoppelNode node) {
    StatusReport s = node.status();
    if (s.cluster() == null) {
      return null;
    }
    return s.cluster().resources().stream()
        .filter(r -> r.name().equals("virtual_server:" + DemoCluster.VIRTUAL_SERVER))
        .findFirst()
        .orElse(null);
  }

  /** One line per node: role, epoch, holder, lease remaining, address; then the volume. */
  void printStatus() {
    out.println("  cluster status (doppel status):");
    for (String n : DemoCluster.NODES) {
      ClusterStatus.ResourceStatus vs = vs1(demo.node(n));
      if (vs == null) {
        continue;
      }
      out.printf(
          "    node %s: %s %-9s epoch %d  holder %-2s lease remaining %4d ms  address %s %s%n",
          n,
          DemoCluster.VIRTUAL_SERVER,
          vs.role(),
          vs.epoch(),
          vs.holder().isEmpty() ? "-" : vs.holder(),
          vs.leaseRemainingMs(),
          vs.address(),
          vs.addressHeld() ? "HELD" : "not held");
    }
    out.println("    " + volumeLine());
    out.flush();
  }

  /** The mirrored volume as its primary's {@code /status} shows it. */
  String volumeLine() {
    for (StatusReport.VolumeStatus v : demo.node("a").status().volumes()) {
      MirrorStatus m = v.mirror();
      if (v.name().equals(DemoCommand.VOLUME) && m != null) {
        StringBuilder s = new StringBuilder("volume " + v.name() + " on a: " + m.role());
        for (MirrorStatus.ReplicaView r : m.replicas()) {
          s.append(", replica ").append(r.node()).append(' ').append(r.state());
          s.append(" (lag ").append(r.lagBytes()).append(" bytes)");
        }
        return s.toString();
      }
    }
    return "volume " + DemoCommand.VOLUME + ": not mirrored";
  }
}
