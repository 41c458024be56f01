package io.doppel.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.events.EventJson;
import io.doppel.cluster.events.EventSubscriber;
import io.doppel.cluster.state.FileRoleStateStore;
import io.doppel.cluster.state.PersistedRoleState;
import io.doppel.cluster.state.ResourceRoleState;
import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.ClusterStatus;
import io.doppel.server.config.DoppelConfig;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three whole nodes in this JVM on 127.0.0.1 with a {@code [cluster]} section and one virtual
 * server whose VIP commands are overridden to touch/remove a marker file per node: exactly one node
 * carries the address, and it moves when that node is closed.
 */
class ClusterNodesTest {
  static final List<String> NAMES = List.of("a", "b", "c");
  @TempDir Path dir;
  final Map<String, DoppelNode> nodes = new LinkedHashMap<>();
  String failingAdd = ""; // the node whose vip_add_command always fails

  @AfterEach
  void stop() {
    nodes.values().forEach(DoppelNode::close);
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private String config(String name, Map<String, Integer> ports) {
    StringBuilder members = new StringBuilder();
    for (String n : NAMES) {
      members.append(
          String.format(
              "[[cluster.nodes]]%nname = \"%s\"%nlinks = { client = \"127.0.0.1:%d\" }%n",
              n, ports.get(n)));
    }
    Path marker = dir.resolve("vip-" + name);
    Path hook = dir.resolve("hook.sh");
    return """
        [node]
        name = "%s"
        data_dir = "%s"
        [nfs]
        bind = "127.0.0.1"
        port = 0
        portmap = "off"
        workers = 2
        [admin]
        port = 0
        [[exports]]
        path = "/data"
        id = 1
          [[exports.clients]]
          match = "127.0.0.1"
        [cluster]
        heartbeat_interval_ms = 50
        suspect_timeout_ms = 300
        lease_duration_ms = 600
        clock_drift_ms = 50
        vip_add_command = "touch %s"
        vip_announce_command = ""
        vip_del_command = "rm -f %s"
        [cluster.events]
        socket = "%s"
        hooks = ["%s"]
        hook_timeout_ms = 5000
        [[cluster.virtual_servers]]
        name = "vs1"
        nodes = ["a", "b", "c"]
        address = "10.213.0.10/24"
        interface = "lo"
        """
            .formatted(
                name,
                dir.resolve("data-" + name),
                marker,
                marker,
                dir.resolve("events-" + name + ".sock"),
                hook)
        + members;
  }

  /** A hook that appends each event's type to events-NODE.log. */
  private void writeHook() throws IOException {
    Path hook = dir.resolve("hook.sh");
    Files.writeString(
        hook,
        "#!/bin/sh\necho \"$DOPPEL_EVENT_TYPE\" >> "
            + dir
            + "/events-\"$DOPPEL_EVENT_NODE\".log\n");
    hook.toFile().setExecutable(true);
  }

  private void startAll() throws Exception {
    writeHook();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String n : NAMES) {
      ports.put(n, freeUdpPort());
    }
    for (String n : NAMES) {
      Path file = dir.resolve(n + ".toml");
      String text = config(n, ports);
      Files.writeString(
          file,
          n.equals(failingAdd)
              ? text.replace("vip_add_command = \"touch", "vip_add_command = \"false")
              : text);
      DoppelConfig c = NfsWiring.configLoader().load(file);
      DoppelNode node =
          new DoppelNode(c, new MetricRegistry(), InstantSource.system(), new SecureRandom());
      nodes.put(n, node);
      node.start();
    }
  }

  private String hookLog(String node) {
    try {
      Path log = dir.resolve("events-" + node + ".log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void eventsReachHookScriptsAndSocketSubscribers() throws Exception {
    startAll();
    waitFor(Duration.ofSeconds(20), () -> holders().size() == 1);
    waitFor(Duration.ofSeconds(20), () -> hookLog("a").contains("NODE_UP"));
    String first = holders().get(0);
    String other = NAMES.stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();
    Path socket = nodes.get(other).cluster().orElseThrow().eventsSocket().orElseThrow();
    try (EventSubscriber sub = EventSubscriber.connect(socket)) {
      CompletableFuture<List<String>> seen =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> lines = new ArrayList<>();
                try {
                  for (String l = sub.nextLine(); l != null; l = sub.nextLine()) {
                    lines.add(l);
                    if (l.contains("\"PARTNER_SHUTDOWN\"")) {
                      break;
                    }
                  }
                } catch (IOException e) {
                  lines.add("error: " + e);
                }
                return lines;
              });
      nodes.remove(first).close();
      List<String> lines = seen.get(20, TimeUnit.SECONDS);
      assertThat(lines).last().asString().contains("\"peer\":\"" + first + "\"");
      assertThat(EventJson.parse(lines.get(lines.size() - 1))).containsEntry("node", other);
    }
    waitFor(Duration.ofSeconds(20), () -> hookLog(other).contains("PARTNER_SHUTDOWN"));
  }

  private List<String> holders() {
    return NAMES.stream().filter(n -> Files.exists(dir.resolve("vip-" + n))).toList();
  }

  private static void waitFor(Duration max, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", max).isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
  }

  /** The marker is written just before the manager records the address as held. */
  private boolean heldInStatus(List<String> holders) {
    return holders.size() == 1
        && nodes.get(holders.get(0)).status().cluster().resources().get(0).addressHeld();
  }

  @Test
  void exactlyOneNodeHoldsTheVipAndItMovesWhenTheHolderCloses() throws Exception {
    startAll();
    waitFor(Duration.ofSeconds(20), () -> holders().size() == 1 && heldInStatus(holders()));
    String first = holders().get(0);
    ClusterStatus status = nodes.get(first).status().cluster();
    ClusterStatus.ResourceStatus vs1 = status.resources().get(0);
    assertThat(vs1.name()).isEqualTo("virtual_server:vs1");
    assertThat(vs1.role()).isEqualTo("PRIMARY");
    assertThat(vs1.holder()).isEqualTo(first);
    assertThat(vs1.addressHeld()).isTrue();
    assertThat(status.nodes()).extracting(ClusterStatus.PeerStatus::state).containsOnly("ALIVE");

    nodes.remove(first).close();
    assertThat(holders()).doesNotContain(first);
    waitFor(Duration.ofSeconds(20), () -> holders().size() == 1);
    String second = holders().get(0);
    assertThat(second).isNotEqualTo(first);
    Map<String, String> roles =
        nodes.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e -> e.getValue().status().cluster().resources().get(0).role()));
    assertThat(roles).containsEntry(second, "PRIMARY");
    assertThat(new ArrayList<>(roles.values())).filteredOn("PRIMARY"::equals).hasSize(1);

    String third = nodes.keySet().stream().filter(n -> !n.equals(second)).findFirst().orElseThrow();
    ClusterWiring cluster = nodes.get(second).cluster().orElseThrow();
    assertThat(cluster.failover("vs1", java.util.Optional.of(third)).status()).isEqualTo(200);
    waitFor(Duration.ofSeconds(20), () -> holders().equals(List.of(third)));
    assertThat(cluster.failover("vs1", java.util.Optional.empty()).status()).isEqualTo(409);
    assertThat(cluster.failover("nope", java.util.Optional.empty()).status()).isEqualTo(404);
  }

  @Test
  void aSavedWaitForRecoveryFlagShowsInStatusAfterARestart() throws Exception {
    writeHook();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String n : NAMES) {
      ports.put(n, freeUdpPort());
    }
    // a took vs1 over from a failed partner and then restarted: its saved role state says so.
    ResourceId vs1 = new ResourceId(ResourceId.Kind.VIRTUAL_SERVER, "vs1");
    new FileRoleStateStore(dir.resolve("data-a").resolve("cluster").resolve("role-state"))
        .save(
            PersistedRoleState.EMPTY.with(
                vs1,
                new ResourceRoleState(
                    new Epoch(4),
                    Optional.of(new NodeId("a")),
                    new Epoch(4),
                    Optional.of(new NodeId("a")),
                    Set.of(new NodeId("c")),
                    true)));
    Path file = dir.resolve("a.toml");
    Files.writeString(file, config("a", ports));
    DoppelNode a =
        new DoppelNode(
            NfsWiring.configLoader().load(file),
            new MetricRegistry(),
            InstantSource.system(),
            new SecureRandom());
    nodes.put("a", a);
    a.start();

    // b and c never start, so the flag stays (it clears only when every node is back).
    ClusterStatus.ResourceStatus r = a.status().cluster().resources().get(0);
    assertThat(r.name()).isEqualTo("virtual_server:vs1");
    assertThat(r.waitForRecovery()).isTrue();
    assertThat(r.outOfDate()).containsExactly("c");
    // It does not wait for its partners (seed 003) but cannot win alone: never PRIMARY here.
    assertThat(r.epoch()).isGreaterThanOrEqualTo(4);
    assertThat(r.role()).isIn("FOLLOWER", "CANDIDATE");
  }

  @Test
  void anAddressThatCannotBeAddedIsReportedAndTheRoleHandedOn() throws Exception {
    failingAdd = "a"; // a is first in the list, so it wins the role, but cannot add the address
    startAll();
    waitFor(Duration.ofSeconds(30), () -> holders().equals(List.of("b")));
    waitFor(Duration.ofSeconds(10), () -> hookLog("a").contains("VIP_FAILED"));
    ClusterStatus.ResourceStatus onB = nodes.get("b").status().cluster().resources().get(0);
    assertThat(onB.role()).isEqualTo("PRIMARY");
    assertThat(nodes.get("a").status().cluster().resources().get(0).role()).isNotEqualTo("PRIMARY");
    assertThat(Files.exists(dir.resolve("vip-a"))).isFalse();
  }
}
