package io.doppel.cluster.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.ClusterNode;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.ClusterTimings;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.ResourceSpec;
import io.doppel.cluster.TwoNodePolicy;
import io.doppel.cluster.lease.Fencer;
import io.doppel.cluster.lease.PromotionGate;
import io.doppel.cluster.state.FileRoleStateStore;
import io.doppel.metrics.MetricRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real members on loopback UDP (two links each) with the default timings. */
class UdpClusterTest {
  static final ResourceId R = ResourceId.export("home");
  static final LinkId NET = new LinkId("net");
  static final LinkId REPL = new LinkId("repl");
  static final List<NodeId> IDS = List.of(new NodeId("a"), new NodeId("b"), new NodeId("c"));

  @TempDir Path dir;
  final Map<NodeId, ClusterNode> nodes = new LinkedHashMap<>();
  final ConcurrentLinkedQueue<ClusterEvent> events = new ConcurrentLinkedQueue<>();
  ClusterDefinition definition;

  @AfterEach
  void stop() {
    nodes.values().forEach(ClusterNode::kill);
  }

  private static int freePort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private ClusterNode start(NodeId id) throws Exception {
    ClusterNode n =
        ClusterNode.start(
            definition,
            id,
            new FileRoleStateStore(dir.resolve(id.name() + ".state")),
            events::add,
            new ClusterStats(new MetricRegistry()),
            Fencer.NONE,
            PromotionGate.ALWAYS,
            new SplittableRandom(id.hashCode() * 31L + nodes.size() + events.size()),
            System::nanoTime);
    nodes.put(id, n);
    return n;
  }

  private Optional<NodeId> primary() {
    List<NodeId> holders = new ArrayList<>();
    for (var e : nodes.entrySet()) {
      if (e.getValue().leases().isPrimary(R, System.nanoTime())) {
        holders.add(e.getKey());
      }
    }
    assertThat(holders).as("at most one holder").hasSizeLessThanOrEqualTo(1);
    return holders.stream().findFirst();
  }

  private static void await(String what, long millis, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10); // polling a condition against a deadline, not sleeping for effect
    }
  }

  @Test
  void leaseIsAcquiredAndMovesWhenTheHolderGoes() throws Exception {
    List<NodeSpec> specs = new ArrayList<>();
    for (NodeId id : IDS) {
      InetAddress lo = InetAddress.getLoopbackAddress();
      specs.add(
          new NodeSpec(
              id,
              Map.of(
                  NET, new InetSocketAddress(lo, freePort()),
                  REPL, new InetSocketAddress(lo, freePort()))));
    }
    definition =
        new ClusterDefinition(
            specs,
            Optional.empty(),
            List.of(new ResourceSpec(R, IDS, false)),
            ClusterTimings.defaults(),
            TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
    for (NodeId id : IDS) {
      start(id);
    }
    await("a first primary", 10_000, () -> primary().isPresent());
    NodeId first = primary().orElseThrow();
    assertThat(first).isEqualTo(IDS.get(0)); // the preferred node

    nodes.remove(first).close(); // graceful: hand over, say goodbye
    await("a successor after graceful close", 5_000, () -> primary().isPresent());
    NodeId second = primary().orElseThrow();
    assertThat(second).isNotEqualTo(first);
    assertThat(events).anyMatch(e -> e instanceof ClusterEvent.PartnerShutdown);

    start(first); // rejoins from its saved state, as a follower
    await(
        "rejoin",
        5_000,
        () -> events.stream().filter(e -> e instanceof ClusterEvent.NodeUp).count() >= 8);
    long t0 = System.nanoTime();
    nodes.remove(second).kill(); // a crash: no goodbye
    await("a successor after a crash", 10_000, () -> primary().isPresent());
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(primary().orElseThrow()).isNotEqualTo(second);
    assertThat(tookMs).isLessThan(4_000);
    System.out.println("udp: crash to takeover " + tookMs + " ms");
  }
}
